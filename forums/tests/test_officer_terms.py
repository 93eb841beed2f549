"""Officer terms: one holder at a time for single-holder positions (Plt. and open-ended terms included),
end after start, the board on any past date, and a mid-term replacement that keeps the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from forums import queries, services
from forums.models import OfficerTerm
from forums.tests.factories import OfficerTermFactory
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date


def new_term(forum, position="ketua", *, start, end=None, acting=False, person=None) -> OfficerTerm:
    return OfficerTerm(
        forum=forum,
        position_id=position,
        person=person or PersonFactory(),
        start_date=start,
        end_date=end,
        acting=acting,
    )


@pytest.fixture
def chair(serang_forum):
    """Andika, Ketua from 21-11-2022, open-ended."""
    return OfficerTermFactory(
        forum=serang_forum, person=PersonFactory(full_name="Andika Hazrumy"), start_date=D(2022, 11, 21), end_date=None
    )


def test_overlapping_single_holder_term_is_refused_naming_the_holder_and_dates(chair, serang_forum):
    term = new_term(serang_forum, start=D(2024, 3, 1), end=D(2026, 2, 28))
    with pytest.raises(ValidationError) as exc:
        term.full_clean()
    assert exc.value.message_dict["start_date"] == [
        "Jabatan Ketua sudah dipegang Andika Hazrumy (21-11-2022 s.d. sekarang) pada tanggal tersebut."
    ]


def test_the_service_refuses_an_overlap_and_saves_nothing(chair, serang_forum, province_staff):
    with pytest.raises(ValidationError):
        services.officer_term_save(term=new_term(serang_forum, start=D(2024, 3, 1)), acting_user=province_staff)
    assert OfficerTerm.objects.filter(forum=serang_forum).count() == 1


def test_touching_terms_are_fine(serang_forum, province_staff):
    OfficerTermFactory(forum=serang_forum, start_date=D(2022, 1, 1), end_date=D(2024, 1, 31))
    successor = new_term(serang_forum, start=D(2024, 2, 1), end=D(2029, 1, 31))
    services.officer_term_save(term=successor, acting_user=province_staff)
    assert OfficerTerm.objects.filter(forum=serang_forum).count() == 2


def test_a_term_sharing_its_last_day_overlaps(serang_forum):
    OfficerTermFactory(forum=serang_forum, start_date=D(2022, 1, 1), end_date=D(2024, 1, 31))
    with pytest.raises(ValidationError):
        new_term(serang_forum, start=D(2024, 1, 31)).full_clean()


def test_a_new_term_overlapping_an_open_ended_one_is_refused(chair, serang_forum):
    with pytest.raises(ValidationError, match="Andika Hazrumy"):
        new_term(serang_forum, start=D(2030, 1, 1), end=D(2031, 1, 1)).full_clean()


def test_an_open_ended_term_starting_before_an_existing_one_is_refused(serang_forum):
    OfficerTermFactory(
        forum=serang_forum,
        person=PersonFactory(full_name="Budi Later"),
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as exc:
        new_term(serang_forum, start=D(2020, 1, 1), end=None).full_clean()
    assert "Budi Later (01-01-2025 s.d. 31-12-2025)" in exc.value.message_dict["start_date"][0]


def test_an_acting_holder_counts_like_any_other(serang_forum):
    OfficerTermFactory(
        forum=serang_forum,
        position_id="sekretaris",
        person=PersonFactory(full_name="Rina Plt"),
        start_date=D(2025, 5, 1),
        end_date=None,
        acting=True,
    )
    with pytest.raises(ValidationError) as exc:
        new_term(serang_forum, "sekretaris", start=D(2025, 6, 1), end=D(2025, 12, 31)).full_clean()
    assert "sudah dipegang Plt. Rina Plt (01-05-2025 s.d. sekarang)" in exc.value.message_dict["start_date"][0]
    # and a Plt. cannot be added over a definitive holder either
    with pytest.raises(ValidationError):
        new_term(serang_forum, "sekretaris", start=D(2025, 6, 1), acting=True).full_clean()


def test_multi_holder_positions_allow_overlaps(serang_forum):
    OfficerTermFactory(forum=serang_forum, position_id="wakil-ketua", start_date=D(2023, 1, 1), end_date=None)
    second = new_term(serang_forum, "wakil-ketua", start=D(2023, 1, 1))
    second.full_clean()
    second.save()
    assert OfficerTerm.objects.filter(forum=serang_forum, position_id="wakil-ketua").current(D(2024, 1, 1)).count() == 2


def test_the_same_position_in_another_forum_does_not_conflict(chair, lebak_forum):
    new_term(lebak_forum, start=D(2023, 1, 1), person=PersonFactory()).full_clean()


def test_editing_a_term_does_not_conflict_with_itself(chair):
    chair.end_date = D(2027, 11, 20)
    chair.full_clean()


def test_end_before_start_is_refused(serang_forum):
    term = new_term(serang_forum, start=D(2024, 5, 1), end=D(2024, 4, 30))
    with pytest.raises(ValidationError) as exc:
        term.full_clean()
    assert exc.value.message_dict["end_date"] == ["Akhir masa jabatan tidak boleh sebelum tanggal mulai."]


def test_the_database_refuses_end_before_start_too(serang_forum):
    term = new_term(serang_forum, start=D(2024, 5, 1), end=D(2024, 4, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        term.save()


def test_current_officers_at_a_past_date(serang_forum):
    old_chair = OfficerTermFactory(forum=serang_forum, start_date=D(2020, 1, 1), end_date=D(2022, 12, 31))
    new_chair = OfficerTermFactory(forum=serang_forum, start_date=D(2023, 1, 1), end_date=None)
    secretary = OfficerTermFactory(
        forum=serang_forum, position_id="sekretaris", start_date=D(2021, 6, 1), end_date=D(2026, 5, 31)
    )
    OfficerTermFactory(forum=serang_forum, position_id="bendahara", start_date=D(2025, 1, 1), end_date=None)

    assert list(queries.current_officers(serang_forum, on=D(2022, 6, 30))) == [old_chair, secretary]
    assert list(queries.current_officers(serang_forum, on=D(2022, 12, 31))) == [old_chair, secretary]
    assert list(queries.current_officers(serang_forum, on=D(2023, 1, 1))) == [new_chair, secretary]
    assert list(OfficerTerm.objects.current(on=D(2019, 12, 31))) == []


def test_mid_term_replacement_keeps_history(chair, serang_forum, province_staff):
    successor = PersonFactory(full_name="Dewi Pengganti")
    new = services.officer_replace(
        term=chair,
        person=successor,
        start_date=D(2025, 3, 1),
        end_reason="Mengundurkan diri",
        acting_user=province_staff,
        decree_number="SK/PAW/2025",
    )
    chair.refresh_from_db()
    assert (chair.end_date, chair.end_reason) == (D(2025, 2, 28), "Mengundurkan diri")
    assert (new.person, new.start_date, new.end_date, new.decree_number) == (
        successor,
        D(2025, 3, 1),
        None,
        "SK/PAW/2025",
    )
    # both terms listed, each on its own dates
    assert list(OfficerTerm.objects.filter(forum=serang_forum).order_by("start_date")) == [chair, new]
    assert [t.person for t in queries.current_officers(serang_forum, on=D(2025, 2, 28))] == [chair.person]
    assert [t.person for t in queries.current_officers(serang_forum, on=D(2025, 3, 1))] == [successor]
    # and the history says who changed what
    entries = list(chair.history.order_by("history_date"))
    assert [e.end_date for e in entries] == [None, D(2025, 2, 28)]
    assert entries[-1].history_user == province_staff
    assert new.history.get().history_user == province_staff


def test_a_replacement_cannot_start_before_the_old_term(chair, province_staff):
    with pytest.raises(ValidationError, match="setelah 21-11-2022"):
        services.officer_replace(
            term=chair,
            person=PersonFactory(),
            start_date=D(2022, 11, 21),
            end_reason="x",
            acting_user=province_staff,
        )
    chair.refresh_from_db()
    assert chair.end_date is None


def test_replacement_inherits_the_planned_end_of_the_period(serang_forum, province_staff):
    term = OfficerTermFactory(forum=serang_forum, start_date=D(2023, 2, 1), end_date=D(2028, 1, 31))
    new = services.officer_replace(
        term=term,
        person=PersonFactory(),
        start_date=D(2025, 7, 1),
        end_reason="Meninggal dunia",
        acting_user=province_staff,
    )
    assert new.end_date == D(2028, 1, 31)


def test_period_text():
    term = OfficerTerm(start_date=D(2022, 11, 21), end_date=None)
    assert term.period == "21-11-2022 s.d. sekarang"
    term.end_date = D(2027, 11, 20)
    assert term.period == "21-11-2022 s.d. 20-11-2027"
