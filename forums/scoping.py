"""The only place that decides which forums, officer terms, events and participations a user may see and change.

- Staff see the forums and events of the regencies they administer (provincial staff: all of them),
  plus the province-level ones, which only provincial staff may change.
- A forum officer (role `forum_officer`) sees, read-only, the forums, boards and events of their
  regency and the province-level ones; a province-level forum officer (no regency) sees the whole province.
- Participations: those of visible events; of a province-level event, regency staff and officers see only
  the participants of their own regency (the names of other regencies' volunteers stay hidden).
Everyone else sees nothing. Registered in `ForumsConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.roles import Role, assignments_of, staff_scope
from forums.models import Event, Forum, OfficerTerm, Participation, Position, VacancyBoard
from pskshub.scoping import get_visible_or_404, rule


@dataclass(frozen=True)
class ReadScope:
    """Where a user may read forum data: everywhere, or some regencies plus the province level."""

    everywhere: bool = False
    regency_codes: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.everywhere and not self.regency_codes

    def q(self, field: str = "regency_id") -> Q | None:
        """None: no filter. Otherwise the rows of the regencies plus the province-level rows (regency null)."""
        if self.everywhere:
            return None
        if not self.regency_codes:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": self.regency_codes}) | Q(**{f"{field}__isnull": True})


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def read_scope(user) -> ReadScope:
    """Staff scope widened by the user's forum-officer roles (read only)."""
    staff = staff_scope(user)
    if staff.everywhere:
        return ReadScope(everywhere=True)
    officer = [a.regency_id for a in assignments_of(user) if a.role == Role.FORUM_OFFICER]
    if any(code is None for code in officer):
        return ReadScope(everywhere=True)
    return ReadScope(regency_codes=staff.regency_codes | frozenset(officer))


def _filtered(qs: QuerySet, user, field: str = "regency_id") -> QuerySet:
    if not _authenticated(user):
        return qs.none()
    q = read_scope(user).q(field)
    return qs if q is None else qs.filter(q)


@rule(Forum)
def forums_for(user) -> QuerySet[Forum]:
    return _filtered(Forum.objects.select_related("regency", "district", "parent"), user)


@rule(OfficerTerm)
def officer_terms_for(user) -> QuerySet[OfficerTerm]:
    return _filtered(
        OfficerTerm.objects.select_related("forum__regency", "position", "person"), user, "forum__regency_id"
    )


@rule(VacancyBoard)
def vacancy_board_for(user) -> QuerySet[VacancyBoard]:
    return _filtered(VacancyBoard.objects.select_related("forum", "position", "person"), user, "forum__regency_id")


@rule(Event)
def events_for(user) -> QuerySet[Event]:
    return _filtered(Event.objects.select_related("organiser_forum", "organiser_regency", "regency", "village"), user)


@rule(Participation)
def participations_for(user) -> QuerySet[Participation]:
    qs = Participation.objects.select_related("event", "person__regency")
    if not _authenticated(user):
        return qs.none()
    scope = read_scope(user)
    if scope.everywhere:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(Q(event__regency_id__in=scope.regency_codes) | Q(person__regency_id__in=scope.regency_codes))


@rule(Position)
def positions_for(user) -> QuerySet[Position]:
    """Reference data: readable by anyone logged in."""
    return Position.objects.all() if _authenticated(user) else Position.objects.none()


# --- Writing: staff only, never forum officers -------------------------------------------------------------------------


def can_write_region(user, regency_code: str | None) -> bool:
    """May the user, as staff, record a forum or event of this regency (None: province level)?"""
    return staff_scope(user).covers(regency_code)


def can_write_forum(user, forum: Forum) -> bool:
    """A forum, its board and its terms: staff of its regency; province-level forums: provincial staff only."""
    return can_write_region(user, forum.regency_id)


def can_write_event(user, event: Event) -> bool:
    return can_write_region(user, event.regency_id)


def get_forum_for(user, pk: int, *, write: bool = False) -> Forum:
    forum = get_visible_or_404(user, Forum, pk=pk)
    if write and not can_write_forum(user, forum):
        raise PermissionDenied
    return forum


def get_event_for(user, pk: int, *, write: bool = False) -> Event:
    event = get_visible_or_404(user, Event, pk=pk)
    if write and not can_write_event(user, event):
        raise PermissionDenied
    return event
