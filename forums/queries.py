"""Reads about forums, for the admin, the dashboards and the volunteer site. Each is a few queries, never per row.

Callers pass a queryset that is already scoped (`pskshub.scoping.visible(user, Forum)`), so these
functions never widen what a user sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from forums.models import Forum, OfficerTerm, Participation, Position

ENDING_SOON_DAYS = 90


@dataclass(frozen=True)
class Vacancy:
    """A single-holder position of an active forum with nobody holding it on the date."""

    forum: Forum
    position: Position
    vacant_since: dt.date | None  # the day after the last term ended; None if never held

    @property
    def regency_id(self) -> str | None:
        return self.forum.regency_id


@dataclass(frozen=True)
class VacancyBoard:
    today: dt.date
    vacancies: list[Vacancy]
    ending: list[OfficerTerm]  # running terms ending within `days`, with `has_successor`
    days: int


def current_officers(forum: Forum, on: dt.date | None = None) -> QuerySet[OfficerTerm]:
    """The board of one forum on a date (today by default), Ketua first."""
    return (
        OfficerTerm.objects.filter(forum=forum)
        .current(on)
        .select_related("position", "person")
        .order_by("position__order", "start_date", "pk")
    )


def officers_on(forums: QuerySet[Forum], on: dt.date | None = None) -> QuerySet[OfficerTerm]:
    """The current officers of many forums at once (one query)."""
    return (
        OfficerTerm.objects.filter(forum__in=forums.values("pk"))
        .current(on)
        .select_related("forum", "position", "person")
        .order_by("forum_id", "position__order", "start_date", "pk")
    )


def vacancies(forums: QuerySet[Forum], today: dt.date | None = None) -> list[Vacancy]:
    """Single-holder positions (Ketua, Sekretaris, Bendahara) of the active forums with no term covering `today`.

    Four queries whatever the number of forums: forums, positions, held slots, last end dates.
    """
    today = today or timezone.localdate()
    forum_rows = list(forums.active().select_related("regency", "district").order_by("level", "regency_id", "name"))
    if not forum_rows:
        return []
    positions = list(Position.objects.filter(single_holder=True).order_by("order"))
    terms = OfficerTerm.objects.filter(forum__in=[f.pk for f in forum_rows], position__single_holder=True)
    held = set(terms.current(today).values_list("forum_id", "position_id"))
    last_end = {
        (row["forum_id"], row["position_id"]): row["last_end"]
        for row in terms.filter(end_date__lt=today)
        .values("forum_id", "position_id")
        .annotate(last_end=Max("end_date"))
        .order_by()
    }
    result = []
    for forum in forum_rows:
        for position in positions:
            if (forum.pk, position.pk) in held:
                continue
            ended = last_end.get((forum.pk, position.pk))
            result.append(Vacancy(forum, position, ended + dt.timedelta(days=1) if ended else None))
    return result


def terms_ending(
    forums: QuerySet[Forum], today: dt.date | None = None, days: int = ENDING_SOON_DAYS
) -> QuerySet[OfficerTerm]:
    """Running terms of the forums that end within `days` days, soonest first, annotated `has_successor`."""
    return (
        OfficerTerm.objects.filter(forum__in=forums.values("pk"))
        .ending_within(days, today)
        .with_successor()
        .select_related("forum__regency", "position", "person")
        .order_by("end_date", "forum__name", "position__order")
    )


def vacancy_board(forums: QuerySet[Forum], today: dt.date | None = None, days: int = ENDING_SOON_DAYS) -> VacancyBoard:
    today = today or timezone.localdate()
    return VacancyBoard(
        today=today, vacancies=vacancies(forums, today), ending=list(terms_ending(forums, today, days)), days=days
    )


def events_of(person, *, participations: QuerySet[Participation] | None = None) -> QuerySet[Participation]:
    """A person's events and trainings, newest first, with the event and its organiser (one query).

    Pass `participations` (e.g. `visible(user, Participation)`) to stay within a user's scope.
    """
    qs = participations if participations is not None else Participation.objects.all()
    return (
        qs.filter(person=person)
        .select_related("event__organiser_forum", "event__organiser_regency", "event__village")
        .order_by("-event__start_date", "-event_id")
    )
