"""Writes to the registry that touch several rows, must not lose an update, or must name who did them.

Every save of a Person, Membership or Institution made on someone's behalf goes through
`record_save`: it locks the row, refuses a save based on an older version (`StaleRecord`,
with what changed meanwhile), bumps the version, and leaves a history entry naming the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from regions.models import District
from registry.models import ChangeRequest, Institution, Membership, Person, Verification

# Bookkeeping columns that are not "the data" a person would call changed.
_NOT_DATA = {"id", "version", "created_at", "updated_at", "verified_by", "verified_at", "district", "regency"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Changes:
    """What changed in a record since a version, and who changed it last."""

    fields: list[FieldChange]
    changed_by: str
    changed_at: dt.datetime | None

    def __bool__(self) -> bool:
        return bool(self.fields)


class StaleRecord(Exception):
    """The record changed after the form was opened: saving would overwrite someone else's change."""

    def __init__(self, record: models.Model, changes: Changes) -> None:
        super().__init__(f"{record!r} changed meanwhile")
        self.record = record
        self.changes = changes

    def message(self) -> str:
        who = self.changes.changed_by or _("pengguna lain")
        when = (
            formats.date_format(timezone.localtime(self.changes.changed_at), "DATETIME_FORMAT")
            if self.changes.changed_at
            else ""
        )
        details = "; ".join(f"{c.label}: {c.old or '—'} → {c.new or '—'}" for c in self.changes.fields)
        return _(
            "Data ini diubah oleh %(who)s pada %(when)s setelah formulir Anda dibuka, sehingga simpanan Anda "
            "ditolak agar perubahan itu tidak tertimpa. Yang berubah: %(details)s. Muat ulang halaman, "
            "periksa, lalu ulangi perubahan Anda."
        ) % {"who": who, "when": when, "details": details or _("status verifikasi atau catatan")}


def data_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _NOT_DATA and f.editable]


def display_value(instance: models.Model, field: models.Field) -> str:
    """A field's value as a person reads it: choice labels, names of related rows, dd-mm-yyyy dates."""
    if field.is_relation:
        related_id = getattr(instance, field.attname)
        if related_id is None:
            return ""
        return str(field.related_model._default_manager.filter(pk=related_id).first() or related_id)
    value = getattr(instance, field.attname)
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def changes_since(record: models.Model, version: int) -> Changes:
    """The data fields that differ between `record` as it was at `version` and as it is now."""
    current = type(record)._default_manager.get(pk=record.pk)
    then = record.history.filter(version=version).order_by("-history_date", "-history_id").first()
    latest = record.history.order_by("-history_date", "-history_id").first()
    fields = []
    if then is not None:
        for field in data_fields(type(record)):
            if getattr(then, field.attname) != getattr(current, field.attname):
                fields.append(
                    FieldChange(
                        field.name, str(field.verbose_name), display_value(then, field), display_value(current, field)
                    )
                )
    changed_by = ""
    if latest is not None and latest.history_user_id:
        user = latest.history_user
        changed_by = user.get_full_name() or user.get_username()
    return Changes(fields, changed_by, latest.history_date if latest else None)


@transaction.atomic
def record_save(
    *, record: models.Model, acting_user, expected_version: int | None = None, clean: bool = True
) -> models.Model:
    """Save a registry record on `acting_user`'s behalf, refusing a lost update.

    `expected_version` is the version the user's form was built from; None for a new record or a
    write that was not based on a form.
    """
    model = type(record)
    if record.pk is not None:
        current_version = model._default_manager.select_for_update().values_list("version", flat=True).get(pk=record.pk)
        if expected_version is not None and current_version != expected_version:
            raise StaleRecord(record, changes_since(record, expected_version))
        record.version = current_version + 1
    if clean:
        record.full_clean()
    record._history_user = acting_user
    record.save()
    return record


def record_check_version(*, record: models.Model, expected_version: int | None) -> None:
    """Raise `StaleRecord` if the saved record is no longer at `expected_version` (a form's early check).

    Only a hint for forms, so they can show the message beside the fields: `record_save` checks
    again under a row lock.
    """
    if record.pk is None or expected_version is None:
        return
    current = type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True).first()
    if current is not None and current != expected_version:
        raise StaleRecord(record, changes_since(record, expected_version))


@transaction.atomic
def record_delete(*, record: models.Model, acting_user, expected_version: int | None = None) -> None:
    """Delete a registry record on `acting_user`'s behalf; the history keeps its last values and who deleted it."""
    current_version = (
        type(record)._default_manager.select_for_update().values_list("version", flat=True).get(pk=record.pk)
    )
    if expected_version is not None and current_version != expected_version:
        raise StaleRecord(record, changes_since(record, expected_version))
    record._history_user = acting_user
    record.delete()


@transaction.atomic
def records_verify(*, records: QuerySet, acting_user, verification: str = Verification.VERIFIED) -> int:
    """Mark registry records (persons, memberships, institutions) verified or rejected by `acting_user`."""
    now = timezone.now()
    # Lock the rows by primary key: the admin's queryset may be DISTINCT or join nullable relations,
    # and PostgreSQL refuses FOR UPDATE on either.
    pks = records.exclude(verification=verification).values("pk")
    rows = list(records.model._default_manager.filter(pk__in=pks).order_by("pk").select_for_update())
    for row in rows:
        row.verification, row.verified_by, row.verified_at = verification, acting_user, now
        row.version += 1
        row.updated_at = now
    if rows:
        bulk_update_with_history(
            rows,
            records.model,
            ["verification", "verified_by", "verified_at", "version", "updated_at"],
            default_user=acting_user,
            batch_size=500,
        )
    return len(rows)


# --- Contacts: changed at once by the volunteer, recorded --------------------------------------------------------


def person_update_contacts(
    *, person: Person, acting_user, expected_version: int, phone: str, email: str, address: str
) -> Person:
    person.phone, person.email, person.address = phone, email, address
    return record_save(record=person, acting_user=acting_user, expected_version=expected_version)


# --- Change requests: official data waits for the staff of the record's regency ------------------------------------


class ChangeRequestError(Exception):
    def __init__(self, message: str, changes: Changes | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.changes = changes


def serialize(field: models.Field, value: Any) -> str:
    """A value as stored in a change request: the form's string for it."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def deserialize(field: models.Field, text: str) -> Any:
    if field.is_relation:
        return field.related_model._default_manager.get(pk=text) if text else None
    if text == "" and field.null:
        return None
    return field.to_python(text)


def change_request_create(
    *, record: Person | Membership, requested_by, new_values: dict[str, Any], note: str = ""
) -> ChangeRequest | None:
    """File the difference between `new_values` and the record's official fields; None when nothing differs."""
    model = type(record)
    changes = {}
    for name in model.OFFICIAL_FIELDS:
        if name not in new_values:
            continue
        field = model._meta.get_field(name)
        old = serialize(field, getattr(record, name))
        new = serialize(field, new_values[name])
        if old != new:
            changes[name] = {"old": old, "new": new}
    if not changes:
        return None
    person = record if isinstance(record, Person) else record.person
    return ChangeRequest.objects.create(
        person=person,
        membership=record if isinstance(record, Membership) else None,
        regency_id=record.regency_id,
        changes=changes,
        base_version=record.version,
        note=note,
        requested_by=requested_by,
    )


def change_request_rows(change_request: ChangeRequest) -> list[FieldChange]:
    """The request's difference as a person reads it (labels, names, dates)."""
    model = type(change_request.target)
    rows = []
    for name, values in change_request.changes.items():
        field = model._meta.get_field(name)
        shown = []
        for key in ("old", "new"):
            probe = model()
            try:
                value = deserialize(field, values[key])
            except (ValidationError, ObjectDoesNotExist):
                shown.append(values[key])
                continue
            setattr(probe, field.name if field.is_relation else field.attname, value)
            shown.append(display_value(probe, field))
        rows.append(FieldChange(name, str(field.verbose_name), *shown))
    return rows


def _lock_pending(change_request: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if locked.status != ChangeRequest.Status.PENDING:
        raise ChangeRequestError(_("Permintaan ini sudah %(status)s.") % {"status": locked.get_status_display()})
    return locked


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, acting_user, confirm_stale: bool = False, reviewed_version: int | None = None
):
    """Apply the request to its record, all fields at once or none.

    A request whose record changed after it was filed is refused unless the officer has seen
    what changed meanwhile and confirms (`confirm_stale`). With `reviewed_version` (the record's
    version on the page the officer reviewed) the confirmation holds only while the record is
    still at that version: a change made after the review is shown first, too.
    """
    request = _lock_pending(change_request)
    model = type(request.target)
    record = model._default_manager.select_for_update().get(pk=request.target.pk)
    if reviewed_version is not None and record.version != reviewed_version:
        confirm_stale = False
    if record.version != request.base_version and not confirm_stale:
        raise ChangeRequestError(
            _(
                "Data relawan sudah berubah sejak permintaan ini diajukan. Periksa perubahan terbaru, "
                "lalu setujui lagi dengan mencentang konfirmasi, atau tolak permintaan ini."
            ),
            changes_since(record, request.base_version),
        )
    for name, values in request.changes.items():
        field = model._meta.get_field(name)
        setattr(record, field.name, deserialize(field, values["new"]))
    try:
        record_save(record=record, acting_user=acting_user, expected_version=record.version)
    except ValidationError as exc:
        raise ChangeRequestError(
            _("Perubahan ini tidak dapat diterapkan: %(errors)s")
            % {"errors": "; ".join(m for messages in exc.message_dict.values() for m in messages)}
        ) from exc
    request.status = ChangeRequest.Status.APPROVED
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return record


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, acting_user, reason: str) -> ChangeRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ChangeRequestError(_("Tuliskan alasan penolakan; pemohon akan membacanya."))
    request = _lock_pending(change_request)
    request.status = ChangeRequest.Status.REJECTED
    request.decided_by, request.decided_at, request.decision_reason = acting_user, timezone.now(), reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    return request


@transaction.atomic
def change_request_withdraw(*, change_request: ChangeRequest, acting_user) -> ChangeRequest:
    request = _lock_pending(change_request)
    request.status = ChangeRequest.Status.WITHDRAWN
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


# --- Unit rosters kept by coordinators: changes wait for verification ----------------------------------------------


@transaction.atomic
def roster_add_member(
    *,
    person: Person,
    psks_type,
    acting_user,
    start_date: dt.date,
    institution: Institution | None = None,
    district: District | None = None,
    position: str = "",
) -> Membership:
    """Add a person (existing, or new and saved here) to a unit's roster; unverified until staff verify it."""
    if person.pk is None:
        person.verification = Verification.UNVERIFIED
        record_save(record=person, acting_user=acting_user)
    membership = Membership(
        person=person,
        psks_type=psks_type,
        institution=institution,
        district=district,
        position=position,
        start_date=start_date,
        verification=Verification.UNVERIFIED,
    )
    return record_save(record=membership, acting_user=acting_user)


def membership_end(
    *, membership: Membership, acting_user, end_date: dt.date, reason: str, expected_version: int
) -> Membership:
    """End a membership (a member leaves the unit); unverified until staff verify the removal."""
    membership.status = Membership.Status.ENDED
    membership.end_date, membership.status_reason = end_date, reason
    membership.verification = Verification.UNVERIFIED
    return record_save(record=membership, acting_user=acting_user, expected_version=expected_version)
