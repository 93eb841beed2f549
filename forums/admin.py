"""The forums in the staff admin: forums and their boards, the vacancy board, events and their participants.

Every door goes through `forums.scoping` (via `ScopedModelAdmin`): a forum or event out of scope is a 404.
Province-level forums and events are read-only for regency staff (`scoping.can_write_*`).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import staff_scope
from forums import queries, scoping, services
from forums.forms import (
    EventForm,
    ForumForm,
    OfficerTermForm,
    OfficerTermInlineForm,
    OfficerTermInlineFormSet,
    ParticipantsByNikForm,
    ParticipantsPickForm,
)
from forums.models import Event, Forum, OfficerTerm, Participation, Position, VacancyBoard
from pskshub.admin_export import Column, ExportMixin, ExportSet
from pskshub.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from pskshub.scoping import visible
from regions.models import Regency

PROVINCE = "provinsi"


class RegionFilter(admin.SimpleListFilter):
    """Kabupaten/kota of the forum or the organiser, or the province level; only the regencies the user sees."""

    title = _("wilayah")
    parameter_name = "wilayah"
    field = "regency_id"

    def lookups(self, request, model_admin):
        regencies = visible(request.user, Regency)
        return [(PROVINCE, _("Tingkat provinsi")), *((r.code, r.name) for r in regencies)]

    def queryset(self, request, queryset):
        if self.value() == PROVINCE:
            return queryset.filter(**{f"{self.field}__isnull": True})
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class ForumRegionFilter(RegionFilter):
    field = "forum__regency_id"


class ScopedHistoryAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    """History pages of records in scope only (simple_history would fall back to the history of any pk)."""

    view_on_site = False  # the records live in the admin; there is no public page to open

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view(self, request, object_id, extra_context=None):
        self.check_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_scope(request, object_id)
        if request.method != "GET":
            raise PermissionDenied  # history is read-only: a correction is a normal, recorded save
        return super().history_form_view(request, object_id, version_id, extra_context)

    def check_scope(self, request, object_id) -> None:
        try:
            if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
                raise Http404
        except (ValueError, ValidationError):
            raise Http404 from None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})


# --- Forums and their boards ---------------------------------------------------------------------------------------


class WritableThroughForum:
    """Inline rows of a forum or event: editable by those who may change the parent."""

    def parent_writable(self, request, obj) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self.parent_writable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self.parent_writable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self.parent_writable(request, obj)


class OfficerTermInline(WritableThroughForum, ScopedTabularInline):
    model = OfficerTerm
    form = OfficerTermInlineForm
    formset = OfficerTermInlineFormSet
    extra = 1
    autocomplete_fields = ["person"]
    fields = [
        "position",
        "position_detail",
        "person",
        "acting",
        "start_date",
        "end_date",
        "decree_number",
        "decree_date",
        "inaugurated_on",
        "inaugurated_by",
        "end_reason",
    ]
    verbose_name_plural = _("pengurus (semua masa jabatan, termasuk yang sudah berakhir)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "position")
            .order_by("position__order", "-start_date", "pk")
        )

    def parent_writable(self, request, obj) -> bool:
        if obj is None:
            return not staff_scope(request.user).is_empty
        return scoping.can_write_forum(request.user, obj)


@admin.register(Forum)
class ForumAdmin(ScopedHistoryAdmin):
    form = ForumForm
    list_display = ["name", "kind", "level", "region", "status", "chair"]
    list_filter = ["kind", "level", "status", RegionFilter]
    list_select_related = ["regency", "district"]
    search_fields = ["name", "decree_number"]
    autocomplete_fields = ["parent", "district"]
    inlines = [OfficerTermInline]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fieldsets = [
        (None, {"fields": ["name", "kind", "level", "regency", "district", "parent", "status"]}),
        (
            _("Pembentukan dan pengukuhan"),
            {
                "fields": [
                    "founded_on",
                    "founding_event",
                    "decree_number",
                    "decree_date",
                    "inaugurated_on",
                    "inaugurated_by",
                ]
            },
        ),
        (_("Anggota dan dokumen"), {"fields": ["psks_types", "statutes", "description"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_chair()

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or scoping.can_write_forum(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or scoping.can_write_forum(request.user, obj)
        )

    @admin.display(description=_("wilayah"), ordering="regency_id")
    def region(self, obj: Forum) -> str:
        return obj.region_name

    @admin.display(description=_("ketua saat ini"))
    def chair(self, obj: Forum) -> str:
        if not obj.chair_name:
            return gettext("— (kosong)")
        return f"Plt. {obj.chair_name}" if obj.chair_acting else obj.chair_name

    def save_model(self, request, obj, form, change) -> None:
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class TermStateFilter(admin.SimpleListFilter):
    title = _("masa jabatan")
    parameter_name = "masa"

    def lookups(self, request, model_admin):
        return [
            ("current", _("sedang menjabat")),
            ("ending", _("berakhir dalam 90 hari")),
            ("ended", _("sudah berakhir")),
            ("upcoming", _("belum mulai")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "current":
                return queryset.current(today)
            case "ending":
                return queryset.ending_within(queries.ENDING_SOON_DAYS, today)
            case "ended":
                return queryset.ended(today)
            case "upcoming":
                return queryset.filter(start_date__gt=today)
        return queryset


@admin.register(OfficerTerm)
class OfficerTermAdmin(ExportMixin, ScopedHistoryAdmin):
    form = OfficerTermForm
    export_columns = [
        Column(_("forum"), "forum.name"),
        Column(_("jenis forum"), "forum.get_kind_display"),
        Column(_("wilayah"), "forum.region_name"),
        Column(_("jabatan"), "position.name"),
        Column(_("keterangan jabatan"), "position_detail"),
        Column(_("Plt."), "acting"),
        Column(_("NIK"), "person.nik", sensitive=True),
        Column(_("nama"), "person.full_name"),
        Column(_("nomor HP"), "person.phone"),
        Column(_("mulai menjabat"), "start_date"),
        Column(_("akhir masa jabatan"), "end_date"),
        Column(_("nomor SK"), "decree_number"),
        Column(_("tanggal SK"), "decree_date"),
        Column(_("tanggal dikukuhkan"), "inaugurated_on"),
        Column(_("dikukuhkan oleh"), "inaugurated_by"),
    ]
    export_scope_field = "forum.regency_id"
    export_prepare = staticmethod(lambda qs: qs.select_related("forum__regency", "forum__district"))
    list_display = ["person", "position_label", "forum", "start_date", "end_date", "acting"]
    list_filter = [TermStateFilter, "position", "forum__kind", ForumRegionFilter, "acting"]
    list_select_related = ["forum", "position", "person"]
    search_fields = ["person__full_name", "forum__name", "decree_number"]
    search_help_text = _("Cari dengan nama atau NIK lengkap pengurus, nama forum, atau nomor SK.")
    autocomplete_fields = ["forum", "person"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["forum", "position", "position_detail", "person", "acting"]}),
        (_("Masa jabatan"), {"fields": ["start_date", "end_date", "end_reason"]}),
        (
            _("SK dan pengukuhan"),
            {"fields": ["decree_number", "decree_date", "inaugurated_on", "inaugurated_by"]},
        ),
        (None, {"fields": ["notes", "created_at", "updated_at"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # A NIK is matched whole (never by its digits inside a name search): `person__nik` exact.
        term = search_term.strip()
        if term.isdigit() and len(term) == 16:
            return queryset.filter(person__nik=term), False
        return super().get_search_results(request, queryset, search_term)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or scoping.can_write_forum(request.user, obj.forum)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or scoping.can_write_forum(request.user, obj.forum)
        )

    @admin.display(description=_("jabatan"), ordering="position__order")
    def position_label(self, obj: OfficerTerm) -> str:
        label = f"Plt. {obj.position.name}" if obj.acting else obj.position.name
        return f"{label} ({obj.position_detail})" if obj.position_detail else label

    def changelist_view(self, request, extra_context=None):
        board = reverse("admin:forums_vacancyboard_changelist", current_app=self.admin_site.name)
        return super().changelist_view(request, {"vacancy_board_url": board, **(extra_context or {})})


@admin.register(VacancyBoard)
class VacancyBoardAdmin(ScopedModelAdmin):
    """The vacancy board: empty single-holder positions today, and terms ending within 90 days."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("forums.view_officerterm")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        board = queries.vacancy_board(visible(request.user, Forum))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Papan lowongan jabatan pengurus forum"),
            "opts": self.opts,
            "board": board,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/forums/vacancyboard/board.html", context)


@admin.register(Position)
class PositionAdmin(ScopedModelAdmin):
    """Reference data, loaded by migration."""

    list_display = ["name", "code", "single_holder", "order"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Events and participants -----------------------------------------------------------------------------------------


class ParticipationInline(WritableThroughForum, ScopedTabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "attended", "certificate"]
    verbose_name_plural = _("peserta")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person").order_by("person__full_name", "pk")

    def parent_writable(self, request, obj) -> bool:
        if obj is None:
            return not staff_scope(request.user).is_empty
        return scoping.can_write_event(request.user, obj)


class TrainingFilter(admin.SimpleListFilter):
    title = _("pelatihan")
    parameter_name = "pelatihan"

    def lookups(self, request, model_admin):
        return [("1", _("bimtek dan pelatihan")), ("0", _("kegiatan lain"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.trainings()
        if self.value() == "0":
            return queryset.exclude(kind__in=Event.TRAINING_KINDS)
        return queryset


def _participants_of_events(request, events):
    """The participants of the listed events that the user may see (forums.scoping)."""
    return (
        visible(request.user, Participation)
        .filter(event__in=events.order_by().values("pk"))
        .select_related("person__regency")
        .order_by("-event__start_date", "event_id", "person__full_name", "pk")
    )


@admin.register(Event)
class EventAdmin(ExportMixin, ScopedHistoryAdmin):
    form = EventForm
    export_columns = [
        Column(_("jenis kegiatan"), "get_kind_display"),
        Column(_("nama kegiatan"), "title"),
        Column(_("tanggal mulai"), "start_date"),
        Column(_("tanggal selesai"), "end_date"),
        Column(_("penyelenggara"), "organiser_name"),
        Column(_("tempat"), "venue"),
        Column(_("desa/kelurahan"), "village.name"),
        Column(_("peserta"), "participant_count"),
        Column(_("hadir"), "attended_count"),
    ]
    export_sets = [
        ExportSet(
            "peserta",
            _("peserta kegiatan"),
            [
                Column(_("nama kegiatan"), "event.title"),
                Column(_("tanggal mulai"), "event.start_date"),
                Column(_("NIK"), "person.nik", sensitive=True),
                Column(_("nama"), "person.full_name"),
                Column(_("kabupaten/kota domisili"), "person.regency.name"),
                Column(_("peran"), "get_role_display"),
                Column(_("hadir"), "attended"),
                Column(_("bersertifikat"), "certificate"),
            ],
            rows=_participants_of_events,
            scope_field="person.regency_id",
            filename="peserta-kegiatan",
            model=Participation,
        )
    ]
    list_display = ["title", "kind", "start_date", "end_date", "organiser", "place", "participants", "attended"]
    list_filter = ["kind", TrainingFilter, RegionFilter]
    list_select_related = ["organiser_forum", "organiser_regency", "village"]
    search_fields = ["title", "venue"]
    autocomplete_fields = ["organiser_forum", "village"]
    inlines = [ParticipationInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "start_date", "end_date"]}),
        (_("Penyelenggara"), {"fields": ["organiser_forum", "organiser_regency"]}),
        (_("Tempat"), {"fields": ["village", "venue"]}),
        (None, {"fields": ["description", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_attendance()

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or scoping.can_write_event(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or scoping.can_write_event(request.user, obj)
        )

    @admin.display(description=_("penyelenggara"))
    def organiser(self, obj: Event) -> str:
        return obj.organiser_name

    @admin.display(description=_("tempat"))
    def place(self, obj: Event) -> str:
        return ", ".join(part for part in [obj.venue, obj.village.name if obj.village_id else ""] if part)

    @admin.display(description=_("peserta"), ordering="participant_count")
    def participants(self, obj: Event) -> int:
        return obj.participant_count

    @admin.display(description=_("hadir"), ordering="attended_count")
    def attended(self, obj: Event) -> int:
        return obj.attended_count

    def save_model(self, request, obj, form, change) -> None:
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Participation:
            for row in formset.save(commit=False):
                if row.pk is None:
                    row.added_by = request.user
                row.save()
            for row in formset.deleted_objects:
                row.delete()
            return
        super().save_formset(request, form, formset, change)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_participants"
        view = self.admin_site.admin_view(self.add_participants_view)
        return [path("<path:object_id>/peserta/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        url = reverse("admin:forums_event_participants", args=[object_id], current_app=self.admin_site.name)
        return super().change_view(request, object_id, form_url, {"participants_url": url, **(extra_context or {})})

    def add_participants_view(self, request, object_id):
        """Add many participants at once: paste NIKs, or pick persons; show what was added and what was refused."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        if not (self.has_change_permission(request, event) and request.user.has_perm("forums.add_participation")):
            raise PermissionDenied
        nik_form = ParticipantsByNikForm(prefix="nik")
        pick_form = ParticipantsPickForm(user=request.user, admin_site=self.admin_site, prefix="pick")
        report = None
        if request.method == "POST":
            if "nik-niks" in request.POST:
                nik_form = ParticipantsByNikForm(request.POST, prefix="nik")
                if nik_form.is_valid():
                    report = services.participants_add_by_nik(
                        event=event,
                        niks_text=nik_form.cleaned_data["niks"],
                        acting_user=request.user,
                        certificate=nik_form.cleaned_data["certificate"],
                    )
            else:
                pick_form = ParticipantsPickForm(
                    request.POST, user=request.user, admin_site=self.admin_site, prefix="pick"
                )
                if pick_form.is_valid():
                    report = services.participants_add(
                        event=event,
                        persons=list(pick_form.cleaned_data["persons"]),
                        acting_user=request.user,
                        certificate=pick_form.cleaned_data["certificate"],
                    )
            if report is not None and report.added and not report.refused_count and not report.already:
                self.message_user(
                    request,
                    ngettext("%(count)d peserta ditambahkan.", "%(count)d peserta ditambahkan.", len(report.added))
                    % {"count": len(report.added)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:forums_event_change", args=[event.pk], current_app=self.admin_site.name)
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tambah peserta: %(event)s") % {"event": event},
            "opts": self.opts,
            "original": event,
            "event": event,
            "nik_form": nik_form,
            "pick_form": pick_form,
            "report": report,
            "media": self.media + pick_form.media,
        }
        return TemplateResponse(request, "admin/forums/event/add_participants.html", context)


# --- For the person's page (wired by the registry's PersonAdmin) ------------------------------------------------------


class PersonParticipationInline(ScopedTabularInline):
    """The events and trainings a person attended, read-only, newest first: `PersonAdmin.inlines += [this]`."""

    model = Participation
    fk_name = "person"
    extra = 0
    can_delete = False
    fields = ["event", "event_kind", "event_dates", "role", "attended", "certificate"]
    readonly_fields = fields
    verbose_name_plural = _("kegiatan dan pelatihan yang diikuti")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event__organiser_forum", "event__organiser_regency")
            .order_by("-event__start_date", "-event_id")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("jenis"))
    def event_kind(self, obj: Participation) -> str:
        return obj.event.get_kind_display()

    @admin.display(description=_("tanggal"))
    def event_dates(self, obj: Participation) -> str:
        event = obj.event
        start = event.start_date.strftime("%d-%m-%Y")
        return f"{start} s.d. {event.end_date:%d-%m-%Y}" if event.end_date else start
