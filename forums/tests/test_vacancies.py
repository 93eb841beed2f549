"""The vacancy board: single-holder positions empty today, and terms ending within 90 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from forums import queries
from forums.models import Forum, OfficerTerm
from forums.tests.factories import ForumFactory, OfficerTermFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def full_board(forum, *, end=None, start=dt.date(2023, 2, 1)) -> None:
    for position in ["ketua", "sekretaris", "bendahara"]:
        OfficerTermFactory(forum=forum, position_id=position, start_date=start, end_date=end)


def only(forum):
    return Forum.objects.filter(pk=forum.pk)


def slots(vacancies) -> set[tuple[str, str]]:
    return {(v.forum.name, v.position.code) for v in vacancies}


def test_an_empty_single_holder_position_is_listed(serang_forum):
    OfficerTermFactory(forum=serang_forum, position_id="ketua", end_date=None)
    OfficerTermFactory(forum=serang_forum, position_id="sekretaris", end_date=None)
    OfficerTermFactory(forum=serang_forum, position_id="wakil-ketua", end_date=None)  # multi-holder: never "vacant"
    board = queries.vacancy_board(only(serang_forum), TODAY)
    assert slots(board.vacancies) == {("Forum PSKS Kota Serang", "bendahara")}
    assert board.vacancies[0].vacant_since is None  # never held


def test_a_position_whose_term_ended_is_vacant_since_the_next_day(serang_forum):
    full_board(serang_forum)
    OfficerTerm.objects.filter(forum=serang_forum, position_id="sekretaris").update(end_date=dt.date(2026, 1, 15))
    (vacancy,) = queries.vacancies(only(serang_forum), TODAY)
    assert (vacancy.position.code, vacancy.vacant_since) == ("sekretaris", dt.date(2026, 1, 16))


def test_a_term_starting_later_does_not_fill_today(serang_forum):
    full_board(serang_forum)
    OfficerTerm.objects.filter(forum=serang_forum, position_id="ketua").update(start_date=dt.date(2026, 4, 1))
    assert slots(queries.vacancies(only(serang_forum), TODAY)) == {("Forum PSKS Kota Serang", "ketua")}


def test_inactive_forums_have_no_vacancies(serang_forum):
    serang_forum.status = Forum.Status.INACTIVE
    serang_forum.save()
    assert queries.vacancies(only(serang_forum), TODAY) == []


def test_a_term_ending_in_30_days_is_listed_and_one_ending_in_120_days_is_not(serang_forum, lebak_forum):
    full_board(serang_forum, end=TODAY + dt.timedelta(days=30))
    full_board(lebak_forum, end=TODAY + dt.timedelta(days=120))
    OfficerTermFactory(forum=lebak_forum, position_id="wakil-ketua", end_date=TODAY)  # ends today: listed
    OfficerTermFactory(forum=lebak_forum, position_id="wakil-ketua", end_date=TODAY - dt.timedelta(days=1))  # over

    board = queries.vacancy_board(Forum.objects.all(), TODAY)

    ending = {(t.forum.name, t.position_id, t.end_date) for t in board.ending}
    assert ending == {
        ("Forum PSKS Kota Serang", "ketua", dt.date(2026, 3, 31)),
        ("Forum PSKS Kota Serang", "sekretaris", dt.date(2026, 3, 31)),
        ("Forum PSKS Kota Serang", "bendahara", dt.date(2026, 3, 31)),
        ("Forum PSKS Kabupaten Lebak", "wakil-ketua", TODAY),
    }
    assert board.ending[0].end_date == TODAY  # soonest first


def test_an_ending_term_with_a_recorded_successor_says_so(serang_forum):
    OfficerTermFactory(forum=serang_forum, start_date=dt.date(2023, 1, 1), end_date=dt.date(2026, 3, 20))
    OfficerTermFactory(forum=serang_forum, start_date=dt.date(2026, 3, 21), end_date=None)
    OfficerTermFactory(forum=serang_forum, position_id="sekretaris", end_date=dt.date(2026, 4, 1))
    ending = {t.position_id: t.has_successor for t in queries.terms_ending(Forum.objects.all(), TODAY)}
    assert ending == {"ketua": True, "sekretaris": False}


def test_the_board_takes_a_few_queries_whatever_the_number_of_forums(province_forum, django_assert_num_queries):
    for n in range(12):
        forum = ForumFactory(parent=province_forum, name=f"Forum {n}")
        OfficerTermFactory(forum=forum, end_date=TODAY + dt.timedelta(days=n * 10))
    with django_assert_num_queries(5):  # forums, positions, held slots, last ends, ending terms
        board = queries.vacancy_board(Forum.objects.all(), TODAY)
    assert len(board.vacancies) == 13 * 3 - 12  # 13 forums × 3 single-holder positions, 12 chairs held
    assert len(board.ending) == 10  # ends in 0 … 90 days


# --- the board page ----------------------------------------------------------------------------------------------


def test_staff_see_the_board_of_their_scope(client, lebak_staff, serang_forum, lebak_forum):
    client.force_login(lebak_staff)
    response = client.get(reverse("admin:forums_vacancyboard_changelist"))
    assert response.status_code == 200
    assert "Forum PSKS Kabupaten Lebak" in response.text
    assert "Forum PSKS Provinsi Banten" in response.text  # province level: readable by all staff
    assert "Forum PSKS Kota Serang" not in response.text


def test_the_board_is_linked_from_the_admin_index(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("admin:index"))
    assert reverse("admin:forums_vacancyboard_changelist") in response.text


def test_the_board_page_is_staff_only(client, no_role_user, serang_forum_officer):
    for user in [no_role_user, serang_forum_officer]:
        client.force_login(user)
        response = client.get(reverse("admin:forums_vacancyboard_changelist"))
        assert response.status_code == 302  # to the admin login: not staff
