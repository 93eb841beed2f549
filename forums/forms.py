"""Forms of the forums admin: the officers' inline checks all its rows together, under the forum's lock."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _

from forums import scoping, services
from forums.models import Event, Forum, OfficerTerm, Participation
from pskshub.admin_scoping import RowLabelsInlineFormSet
from pskshub.scoping import visible
from registry.models import Person

TERM_FIELDS = [
    "forum",
    "position",
    "position_detail",
    "person",
    "acting",
    "start_date",
    "end_date",
    "end_reason",
    "decree_number",
    "decree_date",
    "inaugurated_on",
    "inaugurated_by",
    "notes",
]


class UserFormMixin:
    """The admin sets `user` on the form class (`get_form`): who is saving decides what may be saved."""

    user = None


class ForumForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "name",
            "kind",
            "level",
            "regency",
            "district",
            "parent",
            "status",
            "founded_on",
            "founding_event",
            "decree_number",
            "decree_date",
            "inaugurated_on",
            "inaugurated_by",
            "psks_types",
            "statutes",
            "description",
        ]

    def clean(self):
        cleaned = super().clean()
        level, regency, district = cleaned.get("level"), cleaned.get("regency"), cleaned.get("district")
        regency_code = district.regency_id if district else (regency.pk if regency else None)
        if level == Forum.Level.PROVINCE:
            regency_code = None
        if level and self.user is not None and not scoping.can_write_region(self.user, regency_code):
            raise forms.ValidationError(
                _("Forum tingkat provinsi hanya dapat dicatat staf Dinsos provinsi.")
                if regency_code is None
                else _("Anda hanya dapat mencatat forum di wilayah Anda.")
            )
        return cleaned


class OfficerTermForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = OfficerTerm
        fields = TERM_FIELDS

    def clean(self):
        cleaned = super().clean()
        forum = cleaned.get("forum")
        if forum is not None:
            if self.user is not None and not scoping.can_write_forum(self.user, forum):
                self.add_error("forum", _("Anda tidak dapat mengubah pengurus forum ini."))
            # The overlap check (model clean, next) and the save happen under this lock.
            services.lock_forum(forum.pk)
        return cleaned


class OfficerTermInlineForm(forms.ModelForm):
    class Meta:
        model = OfficerTerm
        fields = TERM_FIELDS

    def _post_clean(self):
        # The formset checks overlaps across all its rows (an old term ended and its successor added together).
        self.instance.overlap_checked_elsewhere = True
        super()._post_clean()


class OfficerTermInlineFormSet(RowLabelsInlineFormSet):
    """Single-holder positions: no two terms of the forum overlap, counting the rows being saved together."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        services.lock_forum(self.instance.pk)
        live, edited_pks = [], set()
        for form in self.forms:
            if form.instance.pk is not None:
                edited_pks.add(form.instance.pk)
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            live.append(form)
        stored = []
        if self.instance.pk is not None:
            stored = list(
                OfficerTerm.objects.filter(forum=self.instance, position__single_holder=True)
                .exclude(pk__in=edited_pks)
                .select_related("person", "position")
            )
        rows = [form.instance for form in live]
        for form in live:
            term = form.instance
            if not (term.position_id and term.start_date and term.position.single_holder):
                continue
            if term.end_date and term.end_date < term.start_date:
                continue
            for other in stored + rows:
                if other is not term and other.start_date and term.overlaps(other):
                    form.add_error("start_date", other.overlap_message())
                    break


class ParticipantsByNikForm(forms.Form):
    niks = forms.CharField(
        label=_("Daftar NIK"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 40}),
        help_text=_("Tempel NIK peserta: satu per baris, atau dipisah koma, titik koma, atau spasi."),
        error_messages={"required": _("Tempelkan paling sedikit satu NIK.")},
    )
    certificate = forms.BooleanField(label=_("Peserta menerima sertifikat"), required=False)


class ParticipantsPickForm(forms.Form):
    persons = forms.ModelMultipleChoiceField(
        label=_("Pilih relawan"),
        queryset=Person.objects.none(),
        help_text=_("Ketik nama atau NIK; pilih sebanyak yang diperlukan."),
        error_messages={"required": _("Pilih paling sedikit satu relawan.")},
    )
    certificate = forms.BooleanField(label=_("Peserta menerima sertifikat"), required=False)

    def __init__(self, *args, user, admin_site=admin.site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persons"]
        field.widget = AutocompleteSelectMultiple(Participation._meta.get_field("person"), admin_site)
        field.queryset = visible(user, Person)  # after the widget: it gives the widget its choices


class EventForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "start_date",
            "end_date",
            "organiser_forum",
            "organiser_regency",
            "village",
            "venue",
            "description",
        ]

    def clean(self):
        cleaned = super().clean()
        forum, regency = cleaned.get("organiser_forum"), cleaned.get("organiser_regency")
        regency_code = forum.regency_id if forum else (regency.pk if regency else None)
        if self.user is not None and not self.errors and not scoping.can_write_region(self.user, regency_code):
            raise forms.ValidationError(
                _("Kegiatan dengan penyelenggara tingkat provinsi hanya dapat dicatat staf Dinsos provinsi.")
                if regency_code is None
                else _("Anda hanya dapat mencatat kegiatan yang diselenggarakan di wilayah Anda.")
            )
        return cleaned
