"""Every write to beneficiaries and cases goes through here: workflow, timeline, region columns, merge.

Each function checks what the user may do (via `cases.scoping`), writes in one transaction and adds
the timeline entry (who, when, text) of what it did. Refusals are `ValidationError`s in Indonesian.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from audit.services import log_access
from cases import scoping
from cases.models import Beneficiary, Case, CaseEntry, CasePhoto, Intervention, PmksCategory, Programme
from cases.names import name_key
from cases.photos import CleanPhoto, delete_on_rollback
from registry.models import Membership, Person
from registry.nik import mask_nik
from registry.services import StaleRecord, changes_since

S = Case.Status

# The workflow: baru → terverifikasi → asesmen → intervensi → selesai; ditolak (with a reason) from any open
# step. Reopening: a closed case goes back to assessment, a rejected one back to new; both need a reason.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.VERIFIED, S.REJECTED),
    S.VERIFIED: (S.ASSESSMENT, S.REJECTED),
    S.ASSESSMENT: (S.INTERVENTION, S.REJECTED),
    S.INTERVENTION: (S.CLOSED, S.REJECTED),
    S.CLOSED: (S.ASSESSMENT,),
    S.REJECTED: (S.NEW,),
}
REOPENING = {(S.CLOSED, S.ASSESSMENT), (S.REJECTED, S.NEW)}


def allowed_transitions(case: Case) -> tuple[str, ...]:
    return TRANSITIONS.get(case.status, ())


def _status_label(status: str) -> str:
    return str(S(status).label)


def _entry(case: Case, kind: str, user, text: str = "", **fields) -> CaseEntry:
    return CaseEntry.objects.create(case=case, kind=kind, author=user, text=text, **fields)


def _require_manager(user, case: Case) -> None:
    if not scoping.can_manage_case(user, case):
        raise PermissionDenied(_("Hanya staf Dinas Sosial wilayah kasus ini yang dapat mengubah statusnya."))


# --- Workflow --------------------------------------------------------------------------------------------------------


def transition(
    case: Case,
    to_status: str,
    *,
    user,
    reason: str = "",
    outcome: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move the case to `to_status`, or refuse with a message naming both statuses. One timeline entry."""
    _require_manager(user, case)
    reason, note = reason.strip(), note.strip()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError(
                _("Kasus ini baru saja diubah orang lain (sekarang: %(status)s). Muat ulang halaman lalu coba lagi.")
                % {"status": _status_label(locked.status)}
            )
        if to_status not in allowed_transitions(locked):
            raise ValidationError(
                _("Status tidak bisa diubah dari “%(from)s” ke “%(to)s”.")
                % {"from": _status_label(locked.status), "to": _status_label(to_status)}
            )
        if to_status == S.REJECTED and not reason:
            raise ValidationError(_("Tuliskan alasan penolakan."))
        if (locked.status, to_status) in REOPENING and not reason:
            raise ValidationError(_("Tuliskan alasan membuka kembali kasus ini."))
        if to_status == S.CLOSED and outcome not in Case.Outcome.values:
            raise ValidationError(_("Pilih hasil akhir kasus sebelum menutupnya."))
        now = timezone.now()
        from_status = locked.status
        locked.status = to_status
        locked.status_changed_at = now
        locked.version += 1
        locked.rejection_reason = reason if to_status == S.REJECTED else ""
        locked.outcome = outcome if to_status == S.CLOSED else ""
        locked.closed_at = now if to_status in (S.CLOSED, S.REJECTED) else None
        locked._change_reason = f"{from_status} → {to_status}"
        locked.save()
        text = "\n".join(part for part in (reason, note) if part)
        if to_status == S.CLOSED:
            text = "\n".join(part for part in (str(Case.Outcome(outcome).label), note) if part)
        _entry(locked, CaseEntry.Kind.TRANSITION, user, text, from_status=from_status, to_status=to_status, at=now)
    return locked


@dataclass
class BulkResult:
    done: int
    refused: list[tuple[Case, str]]


def bulk_transition(cases: Iterable[Case], to_status: str, *, user, reason: str = "", outcome: str = "") -> BulkResult:
    """The same transition for many cases, each recorded on its own timeline; refusals are reported per case."""
    done, refused = 0, []
    for case in cases:
        try:
            transition(case, to_status, user=user, reason=reason, outcome=outcome)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            refused.append((case, " ".join(getattr(exc, "messages", [str(exc)]))))
    return BulkResult(done, refused)


# --- Assignment ------------------------------------------------------------------------------------------------------


def suggested_assignees(district_code: str | None, regency_code: str) -> list[Person]:
    """The active TKSK of the kecamatan first, then PSM of that kecamatan (assigned or living there)."""
    if not district_code:
        return []
    active = Membership.objects.filter(status=Membership.Status.ACTIVE, person__status=Person.Status.ACTIVE)
    tksk = active.filter(psks_type_id="TKSK", district_id=district_code).values("person_id")
    psm = active.filter(psks_type_id="PSM").filter(
        Q(district_id=district_code) | Q(district__isnull=True, person__district_id=district_code)
    )
    people = Person.objects.filter(Q(pk__in=tksk) | Q(pk__in=psm.values("person_id"))).annotate(
        is_tksk=Exists(tksk.filter(person_id=OuterRef("pk")))
    )
    return sorted(people, key=lambda p: (not p.is_tksk, p.full_name))


def assign(case: Case, person: Person | None, *, user) -> Case:
    """Give the case to an active volunteer of its regency; anyone else (a forged choice) is refused."""
    _require_manager(user, case)
    if person is not None and not scoping.assignable_persons(case.regency_id).filter(pk=person.pk).exists():
        raise ValidationError(
            _("%(name)s bukan relawan aktif di kabupaten/kota kasus ini, jadi tidak bisa ditugaskan.")
            % {"name": person.full_name}
        )
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(assignee=person, version=case.version + 1, updated_at=timezone.now())
        case.assignee, case.version = person, case.version + 1
        text = _("Ditugaskan kepada %(name)s.") % {"name": person.full_name} if person else _("Penugasan dicabut.")
        _entry(case, CaseEntry.Kind.ASSIGNMENT, user, text)
    return case


def update_details(
    case: Case,
    *,
    user,
    category: PmksCategory,
    other_categories: Iterable[PmksCategory],
    priority: int,
    description: str,
    expected_version: int,
) -> Case:
    """Correct what was reported (categories, priority, description); the timeline says what changed, before → after."""
    _require_manager(user, case)
    description = description.strip()
    if not description:
        raise ValidationError(_("Uraian kasus tidak boleh kosong."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.version != expected_version:
            raise ValidationError(
                _("Kasus ini baru saja diubah orang lain (sekarang: %(status)s). Muat ulang halaman lalu coba lagi.")
                % {"status": _status_label(locked.status)}
            )
        others = sorted({c for c in other_categories if c.pk != category.pk}, key=lambda c: c.order)
        before_others = list(locked.other_categories.order_by("order"))
        changes = []
        if locked.category_id != category.pk:
            changes.append(_("jenis PMKS utama: %(old)s → %(new)s") % {"old": locked.category, "new": category})
        if [c.pk for c in before_others] != [c.pk for c in others]:
            changes.append(
                _("jenis PMKS lain: %(old)s → %(new)s")
                % {"old": ", ".join(map(str, before_others)) or "–", "new": ", ".join(map(str, others)) or "–"}
            )
        if locked.priority != priority:
            changes.append(
                _("prioritas: %(old)s → %(new)s")
                % {"old": locked.get_priority_display(), "new": Case.Priority(priority).label}
            )
        if locked.description != description:
            changes.append(_("uraian diubah (sebelumnya: “%(old)s”)") % {"old": locked.description})
        if not changes:
            return locked
        locked.category, locked.priority, locked.description = category, priority, description
        locked.version += 1
        locked.save()
        locked.other_categories.set(others)
        locked.beneficiary.categories.add(category, *others)
        _entry(locked, CaseEntry.Kind.DETAILS, user, "\n".join(changes))
    return locked


def bulk_assign(cases: Iterable[Case], person: Person | None, *, user) -> BulkResult:
    done, refused = 0, []
    for case in cases:
        try:
            assign(case, person, user=user)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            refused.append((case, " ".join(getattr(exc, "messages", [str(exc)]))))
    return BulkResult(done, refused)


# --- Reports, notes, visits ------------------------------------------------------------------------------------------


def report_case(
    *,
    user,
    beneficiary: Beneficiary,
    category: PmksCategory,
    description: str,
    source: str = Case.Source.VOLUNTEER,
    priority: int = Case.Priority.NORMAL,
    other_categories: Iterable[PmksCategory] = (),
    assignee: Person | None = None,
    reporter_name: str = "",
    photos: Iterable[CleanPhoto] = (),
) -> Case:
    """A new case (status baru) for a saved beneficiary, in a regency where the user may report."""
    if not scoping.can_report_in(user, beneficiary.regency_id):
        raise ValidationError(
            _("Anda tidak dapat melaporkan kasus di %(region)s: wilayah itu di luar wilayah tugas Anda.")
            % {"region": beneficiary.regency}
        )
    if assignee is not None and not scoping.assignable_persons(beneficiary.regency_id).filter(pk=assignee.pk).exists():
        raise ValidationError(
            _("%(name)s bukan relawan aktif di kabupaten/kota kasus ini, jadi tidak bisa ditugaskan.")
            % {"name": assignee.full_name}
        )
    with transaction.atomic():
        case = Case(
            beneficiary=beneficiary,
            category=category,
            description=description.strip(),
            source=source,
            priority=priority,
            reported_by=user,
            reporter_name=reporter_name,
            assignee=assignee,
            village_id=beneficiary.village_id,
        )
        case.sync_region_columns()
        case.save()
        others = [c for c in other_categories if c.pk != category.pk]
        if others:
            case.other_categories.set(others)
        beneficiary.categories.add(category, *others)
        entry = _entry(case, CaseEntry.Kind.REPORTED, user, case.description, to_status=S.NEW, at=case.opened_at)
        add_photos(entry, photos)
    return case


def report_with_beneficiary(*, user, beneficiary: Beneficiary, **case_fields) -> Case:
    """Save a new beneficiary (validated) or take a saved one, and report its case: one transaction, all or nothing."""
    with transaction.atomic():
        if beneficiary.pk is None:
            beneficiary.sync_region_columns()
            if not scoping.can_report_in(user, beneficiary.regency_id):
                raise ValidationError(
                    {"village": _("Desa/kelurahan ini di luar wilayah tempat Anda dapat melaporkan kasus.")}
                )
            beneficiary.full_clean(exclude=["name_key", "created_by"])
            save_beneficiary(beneficiary, user=user)
        return report_case(user=user, beneficiary=beneficiary, **case_fields)


def add_photos(entry: CaseEntry, photos: Iterable[CleanPhoto]) -> list[CasePhoto]:
    """Store checked photos (`cases.photos.clean_photos`) on a timeline entry, in the private storage.

    Each file is deleted again if the caller's transaction rolls back (`cases.photos.delete_on_rollback`).
    """
    saved = []
    for photo in photos:
        case_photo = CasePhoto(entry=entry, kept_location=photo.kept_location)
        file = photo.as_file()
        case_photo.image.save(file.name, file, save=False)
        delete_on_rollback(case_photo.image)
        case_photo.save()
        saved.append(case_photo)
    return saved


def add_note(case: Case, *, user, text: str) -> CaseEntry:
    text = text.strip()
    if not text:
        raise ValidationError(_("Catatan tidak boleh kosong."))
    return _entry(case, CaseEntry.Kind.NOTE, user, text)


def log_visit(case: Case, *, user, visited_on: dt.date, text: str, photos: Iterable[CleanPhoto] = ()) -> CaseEntry:
    if visited_on > timezone.localdate():
        raise ValidationError(_("Tanggal kunjungan tidak boleh di masa depan."))
    if not text.strip():
        raise ValidationError(_("Tuliskan hasil kunjungan."))
    if not case.is_open:
        raise ValidationError(_("Kasus ini sudah ditutup; buka kembali dulu untuk mencatat kunjungan."))
    with transaction.atomic():
        entry = _entry(case, CaseEntry.Kind.VISIT, user, text.strip(), visited_on=visited_on)
        add_photos(entry, photos)
    return entry


# --- Interventions and double aid ------------------------------------------------------------------------------------


def add_intervention(case: Case, *, user, intervention: Intervention) -> Intervention:
    """Record an enrolment or referral (already validated by its form) on the case and its timeline."""
    _require_manager(user, case)
    intervention.case = case
    intervention.beneficiary_id = case.beneficiary_id
    intervention.created_by = user
    intervention.full_clean()
    with transaction.atomic():
        intervention.save()
        _entry(case, CaseEntry.Kind.INTERVENTION, user, f"{intervention.get_kind_display()}: {intervention}")
    return intervention


def _conflicting(outer: str = "") -> QuerySet[Intervention]:
    """Current enrolments that the enrolment `OuterRef(outer…)` must not double, for the same person or KK."""
    # Nested one level deeper than the enrolment's other references: OuterRef(OuterRef(…)) reaches it.
    excluded = Programme.excludes.through.objects.filter(from_programme=OuterRef(OuterRef(f"{outer}programme"))).values(
        "to_programme"
    )
    same_household = Q(beneficiary=OuterRef(f"{outer}beneficiary")) | Q(
        beneficiary__kk_number=OuterRef(f"{outer}beneficiary__kk_number"), beneficiary__kk_number__gt=""
    )
    return Intervention.objects.filter(
        same_household, status__in=Intervention.CURRENT_STATUSES, programme__in=excluded
    ).exclude(pk=OuterRef(f"{outer}pk"))


def double_aid(queryset: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """The current enrolments in `queryset` that double another programme they exclude (person or household)."""
    return queryset.filter(status__in=Intervention.CURRENT_STATUSES).filter(Exists(_conflicting()))


def double_aid_for(beneficiary: Beneficiary) -> list[tuple[Intervention, Intervention]]:
    """(enrolment, the enrolment it doubles) pairs of this beneficiary or their household."""
    mine = list(double_aid(Intervention.objects.filter(beneficiary=beneficiary)).select_related("programme"))
    pairs = []
    for enrolment in mine:
        others = Intervention.objects.filter(
            Q(beneficiary=beneficiary) | Q(beneficiary__kk_number=beneficiary.kk_number, beneficiary__kk_number__gt=""),
            status__in=Intervention.CURRENT_STATUSES,
            programme__in=enrolment.programme.excludes.all(),
        ).select_related("programme", "beneficiary")
        pairs.extend((enrolment, other) for other in others)
    return pairs


def set_programme_exclusions(programme: Programme, excludes: Iterable[Programme], *, user) -> Programme:
    """Name the programmes `programme` must not double (provincial staff: `cases.change_programme`)."""
    if not user.has_perm("cases.change_programme"):
        raise PermissionDenied(_("Hanya staf provinsi yang dapat mengubah daftar program yang tidak boleh ganda."))
    programme.excludes.set([p for p in excludes if p.pk != programme.pk])
    return programme


# --- Beneficiaries: households ----------------------------------------------------------------------------------------


def refresh_households(kk_numbers: Iterable[str] = (), ids: Iterable[int] = ()) -> int:
    """Mark the representative of each household touched (`Beneficiary.represented_by`); the number of rows changed.

    The one rule: among the beneficiaries sharing a No. KK, the lowest id represents the household and the
    others hold its id; a beneficiary without No. KK represents themselves (empty). Call it after a write,
    with every No. KK the write touched (before and after) and the ids written: members whose representative
    left the No. KK are found by the representative's id even when its old No. KK is no longer known (the
    import). One UPDATE of the rows whose marker is wrong, through the No. KK and representative indexes.
    """
    kk_numbers = sorted({kk for kk in kk_numbers if kk})
    ids = sorted({pk for pk in ids if pk is not None})
    if not kk_numbers and not ids:
        return 0
    first = Beneficiary.objects.filter(kk_number=OuterRef("kk_number")).exclude(kk_number="").order_by("pk")
    representative = NullIf(Subquery(first.values("pk")[:1]), F("pk"))  # empty: none lower, or no No. KK
    touched = Q(pk__in=ids) | Q(represented_by__in=ids, represented_by__isnull=False)
    if kk_numbers:
        touched |= Q(kk_number__in=kk_numbers) & ~Q(kk_number="")  # ~Q: the partial No. KK index applies
    wrong = ~Exact(Coalesce("represented_by", Value(0)), Coalesce(representative, Value(0)))  # ids are > 0
    return Beneficiary.objects.filter(touched).filter(wrong).update(represented_by=representative)


# --- Beneficiaries: duplicates, saving, merging -----------------------------------------------------------------------


@dataclass
class Duplicates:
    same_nik: Beneficiary | None
    similar: list[Beneficiary]


def find_duplicates(
    *, nik: str | None, full_name: str, birth_date: dt.date | None, village_code: str | None, exclude_pk=None
) -> Duplicates:
    """Exact NIK (blocks saving) and same normalised name + birth date + village (a warning with links)."""
    others = Beneficiary.objects.exclude(pk=exclude_pk) if exclude_pk else Beneficiary.objects.all()
    same_nik = others.filter(nik=nik).first() if nik else None
    similar = []
    if full_name and birth_date and village_code:
        similar = list(
            others.filter(name_key=name_key(full_name), birth_date=birth_date, village_id=village_code)
            .exclude(pk=getattr(same_nik, "pk", None))
            .select_related("village")[:10]
        )
    return Duplicates(same_nik, similar)


def save_beneficiary(beneficiary: Beneficiary, *, user, expected_version: int | None = None) -> Beneficiary:
    """Create or update; when the beneficiary moved, their cases' region columns move with them.

    `expected_version`: the version the form was opened at; if someone saved since, `StaleRecord` names
    who changed what (checked under the row lock, so two officers cannot overwrite each other).
    """
    with transaction.atomic():
        moved = False
        households = {beneficiary.kk_number}  # the No. KK before and after: their representatives may change
        if beneficiary.pk:
            previous = (
                Beneficiary.objects.select_for_update()
                .filter(pk=beneficiary.pk)
                .values("village_id", "version", "kk_number", "represented_by")
                .first()
            )
            if previous is not None and expected_version is not None and previous["version"] != expected_version:
                raise StaleRecord(beneficiary, changes_since(beneficiary, expected_version))
            moved = previous is not None and previous["village_id"] != beneficiary.village_id
            if previous is not None:
                beneficiary.represented_by = previous["represented_by"]  # as stored: not the form's old copy
                households = (
                    set() if previous["kk_number"] == beneficiary.kk_number else {*households, previous["kk_number"]}
                )
            beneficiary.version += 1
        else:
            beneficiary.created_by = user
        beneficiary._history_user = user
        beneficiary.save()
        if households - {""}:
            refresh_households(households, [beneficiary.pk])
        if moved:
            Case.objects.filter(beneficiary=beneficiary).update(
                village_id=beneficiary.village_id,
                district_id=beneficiary.district_id,
                regency_id=beneficiary.regency_id,
                updated_at=timezone.now(),
            )
    return beneficiary


_MERGE_FILL = (
    "nik",
    "kk_number",
    "birth_date",
    "location_description",
    "decile",
    "decile_as_of",
    "decile_source",
    "disability",
)


def merge_beneficiaries(keep: Beneficiary, drop: Beneficiary, *, user, request=None) -> Beneficiary:
    """Move `drop`'s cases and enrolments to `keep`, fill `keep`'s blanks from `drop`, delete `drop`, log it."""
    if keep.pk == drop.pk:
        raise ValidationError(_("Pilih dua penerima manfaat yang berbeda."))
    if not (scoping.can_see_identity(user, keep) and scoping.can_see_identity(user, drop)):
        raise PermissionDenied(_("Penggabungan hanya oleh staf yang membawahi wilayah kedua penerima manfaat."))
    with transaction.atomic():
        keep = Beneficiary.objects.select_for_update().get(pk=keep.pk)
        drop = Beneficiary.objects.select_for_update().get(pk=drop.pk)
        summary = _("#%(drop)s %(name)s (NIK %(nik)s) digabung ke #%(keep)s %(keep_name)s") % {
            "drop": drop.pk,
            "name": drop.full_name,
            "nik": mask_nik(drop.nik or "") or "-",
            "keep": keep.pk,
            "keep_name": keep.full_name,
        }
        moved_cases = list(Case.objects.filter(beneficiary=drop))
        drop_nik = drop.nik
        for field in _MERGE_FILL:
            if not getattr(keep, field) and getattr(drop, field):
                setattr(keep, field, getattr(drop, field))
        if keep.nik == drop_nik:
            Beneficiary.objects.filter(pk=drop.pk).update(nik=None)  # free the unique NIK before keep takes it
        categories = list(drop.categories.all())
        Case.objects.filter(beneficiary=drop).update(
            beneficiary=keep,
            village_id=keep.village_id,
            district_id=keep.district_id,
            regency_id=keep.regency_id,
            updated_at=timezone.now(),
        )
        Intervention.objects.filter(beneficiary=drop).update(beneficiary=keep)
        drop._history_user = user
        dropped = (drop.kk_number, drop.pk)
        drop.delete()
        keep.categories.add(*categories)
        save_beneficiary(keep, user=user)
        refresh_households([dropped[0]], [dropped[1]])  # drop's household loses a member, maybe its representative
        for case in moved_cases:
            _entry(case, CaseEntry.Kind.MERGE, user, summary)
        log_access(request, AccessLog.Action.MERGE, keep, detail=f"{summary}; {len(moved_cases)} kasus", user=user)
    return keep
