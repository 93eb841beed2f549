"""Writes about forums that must hold under concurrency or touch several rows.

- Officer terms are checked for overlaps with the forum row locked (`lock_forum`), so two officers
  saving a Ketua at the same moment cannot both pass the check (PostgreSQL; SQLite serialises writes).
- A mid-term replacement ends the old term and starts the new one in one transaction: history kept.
- Participants are added in bulk from pasted NIKs or a list of persons, with a report of what was refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from forums.models import Event, Forum, OfficerTerm, Participation
from pskshub.scoping import visible
from registry.models import Person
from registry.nik import clean_nik_input, parse_nik


def lock_forum(forum_id: int | None) -> None:
    """Lock the forum row until the end of the transaction: the overlap check and the save happen under it.

    Outside a transaction there is nothing to hold a lock; the caller's own `atomic` is what counts.
    """
    if forum_id is not None and connection.in_atomic_block:
        list(Forum.objects.select_for_update().filter(pk=forum_id).values_list("pk", flat=True))


@transaction.atomic
def forum_save(*, forum: Forum, acting_user) -> Forum:
    forum.full_clean()
    forum._history_user = acting_user
    forum.save()
    return forum


@transaction.atomic
def officer_term_save(*, term: OfficerTerm, acting_user) -> OfficerTerm:
    """Save a term after checking, under the forum's lock, that no one else holds a single-holder position then."""
    lock_forum(term.forum_id)
    term.full_clean()
    term._history_user = acting_user
    term.save()
    return term


@transaction.atomic
def officer_replace(
    *,
    term: OfficerTerm,
    person: Person,
    start_date: dt.date,
    acting_user,
    end_reason: str,
    acting: bool = False,
    end_date: dt.date | None = None,
    **details,
) -> OfficerTerm:
    """A new holder takes over mid-term: the old term ends the day before `start_date`, a new term starts.

    Both terms stay in the records (the board at any past date is still right). `end_date` of the new
    term defaults to the old term's planned end (the rest of the period); `details` are other fields
    of the new term (decree_number, inaugurated_on …).
    """
    lock_forum(term.forum_id)
    old = OfficerTerm.objects.select_for_update().get(pk=term.pk)
    planned_end = old.end_date
    old.end_date = start_date - dt.timedelta(days=1)
    old.end_reason = end_reason
    if old.end_date < old.start_date:
        raise ValidationError(
            {"start_date": _("Pengganti harus mulai setelah %(date)s.") % {"date": old.start_date.strftime("%d-%m-%Y")}}
        )
    officer_term_save(term=old, acting_user=acting_user)
    new = OfficerTerm(
        forum_id=old.forum_id,
        position_id=old.position_id,
        position_detail=old.position_detail,
        person=person,
        start_date=start_date,
        end_date=end_date if end_date is not None else planned_end,
        acting=acting,
        **details,
    )
    return officer_term_save(term=new, acting_user=acting_user)


# --- Participants ------------------------------------------------------------------------------------------------------


@dataclass
class ParticipantsReport:
    """What became of each NIK or person given: added, already there, or refused (and why)."""

    added: list[Person] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # well-formed NIKs not in the registry
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (text as pasted, why it is not a NIK)
    out_of_scope: list[tuple[str, str]] = field(default_factory=list)  # (NIK or name, why refused)
    repeated: list[str] = field(default_factory=list)  # NIKs pasted more than once (counted once)

    @property
    def refused_count(self) -> int:
        return len(self.unknown) + len(self.invalid) + len(self.out_of_scope)


_SEPARATORS = re.compile(r"[\n\r,;|\t]+")


def split_niks(text: str) -> list[str]:
    """The NIKs in pasted text, in order: one per line, or separated by commas, semicolons, tabs or spaces.

    A piece that is 16 digits once spaces, dots and dashes are removed (`3604 0512 0385 0001`) is one NIK;
    any other piece is split on spaces.
    """
    tokens: list[str] = []
    for piece in _SEPARATORS.split(text or ""):
        piece = piece.strip().strip("'\"")
        if not piece:
            continue
        joined = clean_nik_input(piece)
        if joined.isdigit() and len(joined) == 16:
            tokens.append(joined)
        else:
            tokens.extend(word.strip("'\"") for word in piece.split() if word.strip("'\""))
    return tokens


def participants_add_by_nik(*, event: Event, niks_text: str, acting_user, certificate: bool = False):
    """Add the persons whose NIKs are pasted; report unknown, malformed, out-of-scope and repeated NIKs.

    One query finds every NIK. A person outside the acting user's scope is reported by NIK only (no name),
    one outside the organiser's region by name. The accepted ones are added together or not at all.
    """
    report = ParticipantsReport()
    valid: list[str] = []
    for token in split_niks(niks_text):
        try:
            nik = parse_nik(token).nik
        except ValidationError as exc:
            report.invalid.append((token, " ".join(str(m) for m in exc.messages)))
            continue
        if nik in valid:
            if nik not in report.repeated:
                report.repeated.append(nik)
            continue
        valid.append(nik)
    if not valid:
        return report
    in_scope = visible(acting_user, Person).filter(pk=OuterRef("pk"))
    found = {
        person.nik: person
        for person in Person.objects.filter(nik__in=valid).select_related("regency").annotate(in_scope=Exists(in_scope))
    }
    persons = []
    for nik in valid:
        person = found.get(nik)
        if person is None:
            report.unknown.append(nik)
        elif not person.in_scope:
            report.out_of_scope.append((nik, _("terdaftar di luar wilayah Anda")))
        else:
            persons.append(person)
    _add(event=event, persons=persons, acting_user=acting_user, certificate=certificate, report=report)
    return report


def participants_add(*, event: Event, persons, acting_user, certificate: bool = False) -> ParticipantsReport:
    """Add persons picked from a list (they come from the user's scope: `visible(user, Person)`)."""
    report = ParticipantsReport()
    allowed = set(visible(acting_user, Person).filter(pk__in=[p.pk for p in persons]).values_list("pk", flat=True))
    accepted = []
    for person in persons:
        if person.pk in allowed:
            accepted.append(person)
        else:
            report.out_of_scope.append((person.nik, _("terdaftar di luar wilayah Anda")))
    _add(event=event, persons=accepted, acting_user=acting_user, certificate=certificate, report=report)
    return report


@transaction.atomic
def _add(*, event: Event, persons: list[Person], acting_user, certificate: bool, report: ParticipantsReport) -> None:
    # The event's row lock makes "already a participant" exact while we add.
    list(Event.objects.select_for_update().filter(pk=event.pk).values_list("pk", flat=True))
    already = set(
        Participation.objects.filter(event=event, person__in=[p.pk for p in persons]).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for person in persons:
        if person.pk in already:
            report.already.append(person)
        elif not event.accepts_person(person):
            report.out_of_scope.append(
                (
                    person.full_name,
                    _("berdomisili di %(regency)s, di luar wilayah penyelenggara (%(organiser)s)")
                    % {"regency": person.regency.name, "organiser": event.regency.name},
                )
            )
        else:
            already.add(person.pk)
            report.added.append(person)
            rows.append(Participation(event=event, person=person, certificate=certificate, added_by=acting_user))
    Participation.objects.bulk_create(rows)
