import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Case, CaseEntry
from cases.tests.factories import CaseFactory
from registry.tests.factories import LEBAK_VILLAGE, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Case.Status

ALLOWED = [
    (S.NEW, S.VERIFIED),
    (S.NEW, S.REJECTED),
    (S.VERIFIED, S.ASSESSMENT),
    (S.VERIFIED, S.REJECTED),
    (S.ASSESSMENT, S.INTERVENTION),
    (S.ASSESSMENT, S.REJECTED),
    (S.INTERVENTION, S.CLOSED),
    (S.INTERVENTION, S.REJECTED),
    (S.CLOSED, S.ASSESSMENT),
    (S.REJECTED, S.NEW),
]
REFUSED = [
    (S.NEW, S.CLOSED),
    (S.NEW, S.INTERVENTION),
    (S.VERIFIED, S.NEW),
    (S.ASSESSMENT, S.CLOSED),
    (S.INTERVENTION, S.ASSESSMENT),
    (S.CLOSED, S.REJECTED),
    (S.CLOSED, S.NEW),
    (S.REJECTED, S.CLOSED),
]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition_is_recorded_on_the_timeline(start, to, serang_staff):
    case = CaseFactory(status=start)
    moved = services.transition(case, to, user=serang_staff, reason="Alasan uji", outcome="served")
    assert moved.status == to
    entry = moved.entries.filter(kind=CaseEntry.Kind.TRANSITION).get()
    assert (entry.from_status, entry.to_status, entry.author) == (start, to, serang_staff)
    assert moved.version == 2


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_illegal_transitions_are_refused_and_nothing_changes(start, to, serang_staff):
    case = CaseFactory(status=start)
    with pytest.raises(ValidationError) as error:
        services.transition(case, to, user=serang_staff, reason="x", outcome="served")
    assert "Status tidak bisa diubah dari" in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == start
    assert not case.entries.filter(kind=CaseEntry.Kind.TRANSITION).exists()


def test_rejection_needs_a_reason_and_closing_an_outcome(serang_staff):
    case = CaseFactory()
    with pytest.raises(ValidationError, match="alasan penolakan"):
        services.transition(case, S.REJECTED, user=serang_staff)
    case = CaseFactory(status=S.INTERVENTION)
    with pytest.raises(ValidationError, match="hasil akhir"):
        services.transition(case, S.CLOSED, user=serang_staff)
    closed = services.transition(case, S.CLOSED, user=serang_staff, outcome="referred")
    assert (closed.outcome, closed.closed_at is not None) == ("referred", True)


def test_reopening_keeps_the_whole_history(serang_staff):
    case = CaseFactory()
    for to in (S.VERIFIED, S.ASSESSMENT, S.INTERVENTION):
        case = services.transition(case, to, user=serang_staff)
    case = services.transition(case, S.CLOSED, user=serang_staff, outcome="served")
    with pytest.raises(ValidationError, match="membuka kembali"):
        services.transition(case, S.ASSESSMENT, user=serang_staff)
    case = services.transition(case, S.ASSESSMENT, user=serang_staff, reason="Kondisi memburuk lagi")
    assert (case.status, case.outcome, case.closed_at) == (S.ASSESSMENT, "", None)
    steps = list(case.entries.order_by("at", "pk").values_list("kind", "to_status"))
    assert steps == [
        ("reported", "new"),
        ("transition", "verified"),
        ("transition", "assessment"),
        ("transition", "intervention"),
        ("transition", "closed"),
        ("transition", "assessment"),
    ]


def test_a_stale_form_is_refused(serang_staff):
    case = CaseFactory()
    services.transition(case, S.VERIFIED, user=serang_staff)
    with pytest.raises(ValidationError, match="baru saja diubah"):
        services.transition(case, S.REJECTED, user=serang_staff, reason="x", expected_version=1)


def test_only_staff_of_the_case_regency_change_its_status(lebak_staff, province_staff):
    case = CaseFactory()
    volunteer = UserFactory()
    PersonFactory(account=volunteer)
    case.reported_by = volunteer
    case.save()
    for user in (lebak_staff, volunteer):
        with pytest.raises(PermissionDenied):
            services.transition(case, S.VERIFIED, user=user)
    assert services.transition(case, S.VERIFIED, user=province_staff).status == S.VERIFIED
    lebak_case = CaseFactory(beneficiary__village_code=LEBAK_VILLAGE)
    assert services.transition(lebak_case, S.VERIFIED, user=lebak_staff).status == S.VERIFIED
