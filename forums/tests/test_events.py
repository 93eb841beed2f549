"""Events in the admin: participants within the organiser's region, a person's events and trainings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from forums import queries
from forums.admin import PersonParticipationInline
from forums.models import Event, Participation
from forums.tests.factories import EventFactory, ParticipationFactory
from pskshub.scoping import visible

pytestmark = pytest.mark.django_db


def event_form(*, participants=(), initial=0, **fields) -> dict:
    data = {
        "kind": Event.Kind.BIMTEK,
        "title": "Bimtek Relawan",
        "start_date": "2025-06-10",
        "end_date": "",
        "organiser_forum": "",
        "organiser_regency": "36.73",
        "village": "",
        "venue": "Aula Dinsos",
        "description": "",
        "participations-TOTAL_FORMS": str(len(participants)),
        "participations-INITIAL_FORMS": str(initial),
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, row in enumerate(participants):
        for key, value in row.items():
            data[f"participations-{i}-{key}"] = value
    return data


def row(person, **extra) -> dict:
    return {"person": str(person.pk), "role": "peserta", "attended": "on", **extra}


def test_staff_record_an_event_with_participants(client, serang_staff, serang_person):
    client.force_login(serang_staff)
    response = client.post(reverse("admin:forums_event_add"), event_form(participants=[row(serang_person)]))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Event.objects.get()
    assert (event.regency_id, event.organiser_regency_id) == ("36.73", "36.73")
    participation = event.participations.get()
    assert (participation.person, participation.added_by) == (serang_person, serang_staff)
    assert event.history.get().history_user == serang_staff


def test_a_participant_outside_the_organisers_region_is_a_form_error(
    client, province_staff, serang_person, lebak_person
):
    client.force_login(province_staff)
    data = event_form(participants=[row(serang_person), row(lebak_person)])
    response = client.post(reverse("admin:forums_event_add"), data)
    assert response.status_code == 200
    assert (
        "Ujang Lebak berdomisili di Kabupaten Lebak, di luar wilayah penyelenggara kegiatan ini (Kota Serang)."
        in response.text
    )
    assert not Event.objects.exists()
    assert not Participation.objects.exists()


def test_a_participant_outside_the_users_scope_cannot_be_chosen(client, serang_staff, lebak_person):
    client.force_login(serang_staff)
    response = client.post(reverse("admin:forums_event_add"), event_form(participants=[row(lebak_person)]))
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_regency_staff_cannot_record_a_province_event(client, serang_staff):
    client.force_login(serang_staff)
    response = client.post(reverse("admin:forums_event_add"), event_form(organiser_regency=""))
    assert response.status_code == 200
    assert "hanya dapat dicatat staf Dinsos provinsi" in response.text
    assert not Event.objects.exists()


def test_changing_the_organiser_is_refused_while_participants_live_elsewhere(serang_person):
    event = EventFactory(organiser_regency_id=None)
    ParticipationFactory(event=event, person=serang_person)
    event.organiser_regency_id = "36.02"
    with pytest.raises(Exception, match="1 peserta kegiatan ini berdomisili di luar wilayah"):
        event.full_clean()


def test_an_event_ending_before_it_starts_is_a_form_error(client, serang_staff):
    client.force_login(serang_staff)
    response = client.post(reverse("admin:forums_event_add"), event_form(end_date="2025-06-09"))
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.text
    assert not Event.objects.exists()


# --- a person's events and trainings ---------------------------------------------------------------------------------


def test_events_of_a_person_newest_first(serang_person, django_assert_num_queries):
    old = ParticipationFactory(person=serang_person, event=EventFactory(start_date=dt.date(2023, 5, 1)))
    new = ParticipationFactory(person=serang_person, event=EventFactory(start_date=dt.date(2025, 5, 1)))
    ParticipationFactory(event=old.event)  # someone else
    with django_assert_num_queries(1):
        rows = [(p.event.title, p.event.organiser_name) for p in queries.events_of(serang_person)]
    assert rows == [(new.event.title, "Dinas Sosial Kota Serang"), (old.event.title, "Dinas Sosial Kota Serang")]
    assert list(Participation.objects.filter(person=serang_person).trainings().attended()) == [old, new]


def test_the_person_page_inline_is_scoped_and_read_only(serang_staff, lebak_staff, serang_person):
    ParticipationFactory(person=serang_person)
    inline = PersonParticipationInline(serang_person.__class__, admin.site)
    request = RequestFactory().get("/")
    request.user = serang_staff
    assert inline.get_queryset(request).filter(person=serang_person).count() == 1
    assert not inline.has_add_permission(request, serang_person)
    assert not inline.has_change_permission(request, serang_person)
    request.user = lebak_staff
    assert not inline.get_queryset(request).exists()


def test_events_of_can_be_kept_to_a_users_scope(serang_person, lebak_staff):
    ParticipationFactory(person=serang_person)
    assert not queries.events_of(serang_person, participations=visible(lebak_staff, Participation)).exists()
