"""Participants added in bulk: pasted NIKs (any separators) or picked persons, with a report of what was refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from forums import services
from forums.models import Participation
from forums.tests.factories import EventFactory, ParticipationFactory
from registry.nik import MALE, build_nik
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = build_nik("36.73.05", dt.date(1990, 1, 1), MALE, 9999)


@pytest.fixture
def serang_event(db):
    return EventFactory(title="Bimtek PSM Kota Serang")  # Dinsos Kota Serang


@pytest.fixture
def persons(serang_person, lebak_person):
    return {
        "a": serang_person,
        "b": PersonFactory(full_name="Budi Serang"),
        "c": PersonFactory(full_name="Cici Serang"),
        "lebak": lebak_person,
    }


def test_split_niks_takes_any_separator():
    text = "3673051203850001\n3673051203850002, 3673051203850003;3673051203850004\t3673051203850005 abc\n\n"
    assert services.split_niks(text) == [
        "3673051203850001",
        "3673051203850002",
        "3673051203850003",
        "3673051203850004",
        "3673051203850005",
        "abc",
    ]


def test_split_niks_reads_a_nik_typed_in_groups():
    assert services.split_niks("3673 0512 0385 0001\n3673.0512.0385.0002") == ["3673051203850001", "3673051203850002"]


def test_a_paste_is_reported_nik_by_nik(serang_event, persons, serang_staff, django_assert_max_num_queries):
    ParticipationFactory(event=serang_event, person=persons["c"])
    text = "\n".join(
        [
            persons["a"].nik,
            persons["b"].nik,
            persons["c"].nik,  # already a participant
            UNKNOWN_NIK,  # well-formed, not in the registry
            "12345",  # malformed
            "36730512038500AB",  # malformed
            persons["lebak"].nik,  # outside Kota Serang staff's scope
            persons["a"].nik,  # pasted twice
        ]
    )
    with django_assert_max_num_queries(10):
        report = services.participants_add_by_nik(event=serang_event, niks_text=text, acting_user=serang_staff)

    assert [p.full_name for p in report.added] == ["Siti Serang", "Budi Serang"]
    assert report.already == [persons["c"]]
    assert report.unknown == [UNKNOWN_NIK]
    assert report.invalid == [
        ("12345", "NIK harus 16 digit; tertulis 5 digit."),
        ("36730512038500AB", "NIK hanya boleh berisi angka; ditemukan: AB."),
    ]
    assert report.out_of_scope == [(persons["lebak"].nik, "terdaftar di luar wilayah Anda")]  # no name shown
    assert report.repeated == [persons["a"].nik]
    assert report.refused_count == 4
    added = Participation.objects.filter(event=serang_event)
    assert set(added.values_list("person__full_name", flat=True)) == {"Siti Serang", "Budi Serang", "Cici Serang"}
    assert set(added.exclude(person=persons["c"]).values_list("added_by", flat=True)) == {serang_staff.pk}


def test_a_person_outside_the_organisers_region_is_refused(serang_event, persons, province_staff):
    report = services.participants_add_by_nik(
        event=serang_event, niks_text=f"{persons['lebak'].nik} {persons['a'].nik}", acting_user=province_staff
    )
    assert report.out_of_scope == [
        ("Ujang Lebak", "berdomisili di Kabupaten Lebak, di luar wilayah penyelenggara (Kota Serang)")
    ]
    assert report.added == [persons["a"]]
    assert not Participation.objects.filter(person=persons["lebak"]).exists()


def test_a_province_event_accepts_anyone_in_the_users_scope(persons, province_staff):
    event = EventFactory(organiser_regency_id=None)
    report = services.participants_add_by_nik(
        event=event, niks_text=f"{persons['lebak'].nik}\n{persons['a'].nik}", acting_user=province_staff
    )
    assert len(report.added) == 2


def test_the_accepted_ones_are_added_all_or_nothing(serang_event, persons, serang_staff, monkeypatch):
    def half_then_fail(rows, *args, **kwargs):
        rows[0].save()
        raise RuntimeError("database went away")

    monkeypatch.setattr(Participation.objects, "bulk_create", half_then_fail)
    with pytest.raises(RuntimeError):
        services.participants_add_by_nik(
            event=serang_event, niks_text=f"{persons['a'].nik}\n{persons['b'].nik}", acting_user=serang_staff
        )
    assert not Participation.objects.exists()


def test_picked_persons_outside_the_users_scope_are_refused(serang_event, persons, serang_staff):
    report = services.participants_add(
        event=serang_event, persons=[persons["a"], persons["lebak"]], acting_user=serang_staff, certificate=True
    )
    assert report.added == [persons["a"]]
    assert report.out_of_scope == [(persons["lebak"].nik, "terdaftar di luar wilayah Anda")]
    assert Participation.objects.get().certificate is True


# --- the admin page ----------------------------------------------------------------------------------------------


def page(event) -> str:
    return reverse("admin:forums_event_participants", args=[event.pk])


def reported(response, name: str) -> int:
    return int(re.search(rf'<strong class="{name}">(\d+)</strong>', response.text).group(1))


def test_the_page_shows_the_report(client, serang_staff, serang_event, persons):
    client.force_login(serang_staff)
    assert client.get(page(serang_event)).status_code == 200
    text = f"{persons['a'].nik}, {UNKNOWN_NIK}, 999, {persons['lebak'].nik}"
    response = client.post(page(serang_event), {"nik-niks": text})
    assert response.status_code == 200
    counts = {k: reported(response, k) for k in ["added", "already", "unknown", "invalid", "out-of-scope"]}
    assert counts == {"added": 1, "already": 0, "unknown": 1, "invalid": 1, "out-of-scope": 1}
    assert UNKNOWN_NIK in response.text
    assert "Ujang Lebak" not in response.text


def test_when_everything_is_added_the_page_goes_back_to_the_event(client, serang_staff, serang_event, persons):
    client.force_login(serang_staff)
    response = client.post(page(serang_event), {"nik-niks": f"{persons['a'].nik}\n{persons['b'].nik}"})
    assert response.status_code == 302
    assert response.url == reverse("admin:forums_event_change", args=[serang_event.pk])
    assert serang_event.participations.count() == 2


def test_pick_many(client, serang_staff, serang_event, persons):
    client.force_login(serang_staff)
    response = client.post(page(serang_event), {"pick-persons": [persons["a"].pk, persons["b"].pk]})
    assert response.status_code == 302
    assert serang_event.participations.count() == 2


def test_a_person_outside_the_users_scope_cannot_be_picked(client, serang_staff, serang_event, persons):
    client.force_login(serang_staff)
    response = client.post(page(serang_event), {"pick-persons": [persons["lebak"].pk]})
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert not serang_event.participations.exists()


def test_an_empty_paste_is_a_form_error(client, serang_staff, serang_event):
    client.force_login(serang_staff)
    response = client.post(page(serang_event), {"nik-niks": ""})
    assert "Tempelkan paling sedikit satu NIK." in response.text


def test_an_event_out_of_scope_is_404(client, lebak_staff, serang_event, persons):
    client.force_login(lebak_staff)
    assert client.get(page(serang_event)).status_code == 404
    assert client.post(page(serang_event), {"nik-niks": persons["lebak"].nik}).status_code == 404
    assert not Participation.objects.exists()


def test_a_province_event_is_read_only_for_regency_staff(client, serang_staff, persons):
    event = EventFactory(organiser_regency_id=None)
    client.force_login(serang_staff)
    assert client.get(page(event)).status_code == 403
    assert client.post(page(event), {"nik-niks": persons["a"].nik}).status_code == 403
    assert not Participation.objects.exists()


def test_forum_officers_and_users_without_a_role_have_no_admin(
    client, serang_forum_officer, no_role_user, serang_event
):
    for user in [serang_forum_officer, no_role_user]:
        client.force_login(user)
        assert client.get(page(serang_event)).status_code == 302  # the admin's login page
