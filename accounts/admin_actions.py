"""Admin actions that other apps' admins offer: inviting a person to log in (on PersonAdmin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services

MAX_INVITATIONS_PER_ACTION = 50


@admin.action(description=gettext_lazy("Undang login relawan"), permissions=["change"])
def invite_persons(modeladmin, request, queryset) -> None:
    """One link per selected person, shown to the officer to pass on (by WhatsApp); emailed where possible.

    Works only on the queryset the admin gives, which its scoping already limited to the officer's
    regencies; `services.person_invite` checks the regency again.
    """
    persons = list(queryset.order_by("full_name", "pk")[: MAX_INVITATIONS_PER_ACTION + 1])
    if len(persons) > MAX_INVITATIONS_PER_ACTION:
        modeladmin.message_user(
            request,
            _("Pilih paling banyak %(max)d relawan untuk sekali undang; tidak ada undangan yang dibuat.")
            % {"max": MAX_INVITATIONS_PER_ACTION},
            messages.ERROR,
        )
        return
    for person in persons:
        try:
            invitation = services.person_invite(person=person, acting_user=request.user, request=request)
        except services.InvitationRefused as refusal:
            modeladmin.message_user(request, refusal.message, messages.ERROR)
            continue
        # Plain text (escaped as usual): the link stays whole and can be selected and copied.
        text = _(
            "Undangan login untuk %(name)s (NIK %(nik)s): tautan berlaku %(hours)d jam dan hanya sekali pakai; "
            "kirimkan kepada relawan, misalnya lewat WhatsApp."
        ) % {"name": person.full_name, "nik": person.masked_nik, "hours": services.invitation_hours()}
        if invitation.emailed_to:
            text += " " + _("Tautan yang sama juga dikirim ke email %(email)s.") % {"email": invitation.emailed_to}
        text += " " + _("Tautan: %(link)s") % {"link": invitation.link}
        modeladmin.message_user(request, text, messages.SUCCESS)
