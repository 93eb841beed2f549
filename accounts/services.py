"""Logins: invitations that let a volunteer set a first password, and lifting lockouts early.

Each write names its `acting_user` in the log (logger "pskshub.accounts"); tokens and links never go there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import STAFF_ROLES
from accounts.tokens import invitation_token_generator

if TYPE_CHECKING:
    from django.contrib.auth.forms import SetPasswordForm

    from registry.models import Person

logger = logging.getLogger("pskshub.accounts")


class InvitationRefused(Exception):
    """The person cannot be invited; `message` tells the officer why and what to do instead."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Invitation:
    person: Person
    user: User
    link: str  # absolute when the invitation was made from a request, else a path
    created: bool  # a new login was made (else the login of an earlier invitation was reused)
    emailed_to: str  # where the invitation was emailed, "" if it was not


def invitation_hours() -> int:
    """How long an invitation (or password-reset) link stays valid."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def invitation_link(user: User, request: HttpRequest | None = None) -> str:
    path = reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path) if request is not None else path


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, rest = full_name.strip().partition(" ")
    return first[:150], rest.strip()[:150]


def _refusal(person: Person, user: User | None, acting_user) -> InvitationRefused | None:
    from registry.models import Person
    from registry.scoping import can_write_regency

    params = {"name": person.full_name, "nik": person.masked_nik}
    if not can_write_regency(acting_user, person.regency_id):
        return InvitationRefused(
            "out_of_scope", _("%(name)s tidak dapat Anda undang: relawan ini di luar wilayah kerja Anda.") % params
        )
    if person.status != Person.Status.ACTIVE:
        return InvitationRefused(
            "not_active",
            _("%(name)s tidak diundang: statusnya “%(status)s”; hanya relawan aktif yang dapat diberi login.")
            % {**params, "status": person.get_status_display()},
        )
    if user is None:
        if User.objects.filter(username=person.nik).exists():
            return InvitationRefused(
                "username_taken",
                _(
                    "%(name)s tidak diundang: NIK %(nik)s sudah menjadi nama pengguna login lain yang tidak "
                    "terhubung ke relawan ini. Hubungi admin provinsi."
                )
                % params,
            )
        return None
    if user.has_usable_password():
        return InvitationRefused(
            "has_password",
            _(
                "%(name)s sudah membuat kata sandi, jadi tidak perlu diundang lagi. Jika lupa kata sandi, ia dapat "
                "memakai “Lupa kata sandi” di halaman masuk; jika loginnya terkunci, buka kuncinya di daftar pengguna."
            )
            % params,
        )
    if not user.is_active:
        return InvitationRefused(
            "inactive",
            _("Login %(name)s dinonaktifkan. Aktifkan kembali di daftar pengguna sebelum mengundang ulang.") % params,
        )
    if user.is_superuser or user.is_staff or user.role_assignments.filter(role__in=STAFF_ROLES).exists():
        return InvitationRefused(
            "staff_login",
            _("%(name)s terhubung ke login staf; login staf tidak dibuat lewat undangan relawan.") % params,
        )
    return None


def person_invite(*, person: Person, acting_user, request: HttpRequest | None = None) -> Invitation:
    """Make (or reuse) the person's login, without a password, and a one-time link to set one.

    The login's username is the person's NIK; email and name come from the person. The link is valid
    for PASSWORD_RESET_TIMEOUT and dies once a password is set; a new invitation voids earlier links.
    When made from a request and the person has an email, the invitation is also emailed.
    Raises InvitationRefused (nothing changed) for a person out of the officer's regencies, a person
    who is not active, or a login that already has a password (then: password reset).
    """
    from registry.models import Person

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        user = User.objects.filter(pk=person.account_id).first() if person.account_id else None
        refusal = _refusal(person, user, acting_user)
        if refusal is not None:
            logger.warning("Invitation refused (%s) for person %s by user %s", refusal.code, person.pk, acting_user.pk)
            raise refusal
        created = user is None
        if user is None:
            user = User(username=person.nik)
        if person.email:
            user.email = person.email
        user.first_name, user.last_name = _split_name(person.full_name)
        user.set_unusable_password()  # a fresh one: the links of earlier invitations stop working
        user.full_clean()
        user.save()
        if created:
            person.account = user
            person._history_user = acting_user  # the person's history shows who linked the login
            person.save(update_fields=["account"])

    link = invitation_link(user, request)
    emailed_to = ""
    if user.email and request is not None:
        emailed_to = _email_invitation(person=person, user=user, link=link, request=request)
    logger.info(
        "Invitation made for person %s (user %s, %s) by user %s; %s",
        person.pk,
        user.pk,
        "new login" if created else "login reused",
        acting_user.pk,
        "emailed" if emailed_to else "not emailed",
    )
    return Invitation(person=person, user=user, link=link, created=created, emailed_to=emailed_to)


def _email_invitation(*, person: Person, user: User, link: str, request: HttpRequest) -> str:
    context = {
        "name": person.full_name,
        "link": link,
        "hours": invitation_hours(),
        "login_url": request.build_absolute_uri(reverse("login")),
    }
    subject = "".join(render_to_string("emails/invitation-subject.txt", context).splitlines())
    body = render_to_string("emails/invitation-body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # the officer still has the link to pass on; the failure is logged
        logger.exception("Invitation email for user %s could not be sent", user.pk)
        return ""
    return user.email


def invitation_accept(*, form: SetPasswordForm) -> User:
    """The invited person chose a valid password: the invitation link is now used up."""
    user = form.save()
    logger.info("Invitation accepted: user %s set a first password", user.pk)
    return user


def login_failures_forget(*, user: User, reason: str) -> int:
    """Forget the failed logins counted against this account (it is unlocked); returns the records removed."""
    removed = axes_reset(username=user.get_username())
    if removed:
        logger.info("Failed logins of user %s forgotten (%s): %d records", user.pk, reason, removed)
    return removed


def users_unlock(*, users: Iterable[User], acting_user) -> int:
    """Lift the lockout of these logins before the cool-off ends; returns how many had failed logins counted."""
    unlocked = 0
    for user in users:
        removed = axes_reset(username=user.get_username())
        unlocked += bool(removed)
        logger.info(
            "Login of user %s unlocked by user %s (%d failed-login records removed)", user.pk, acting_user.pk, removed
        )
    return unlocked
