"""A coordinator corrects the contacts of a member of their unit; nobody else's."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry.models import Person

pytestmark = pytest.mark.django_db


def url(person: Person) -> str:
    return reverse("volunteer:member_contacts_update", args=[person.pk])


def post_data(person: Person, **changes) -> dict:
    return {"phone": "0813 0000 0003", "email": "", "address": "Jl. Anggota 3", "expected_version": person.version} | (
        changes
    )


def test_coordinator_updates_a_members_contacts(client, kt_chair, kt_member, karang_taruna):
    client.force_login(kt_chair)
    roster = reverse("volunteer:roster", kwargs={"kind": "lembaga", "key": karang_taruna.pk})
    assert client.get(url(kt_member.person), {"next": roster}).status_code == 200

    response = client.post(url(kt_member.person), post_data(kt_member.person, next=roster))

    assert response.url == roster
    kt_member.person.refresh_from_db()
    assert kt_member.person.phone == "+6281300000003"
    assert kt_member.person.history.first().history_user == kt_chair


def test_next_to_another_site_is_not_followed(client, kt_chair, kt_member):
    client.force_login(kt_chair)
    response = client.post(url(kt_member.person), post_data(kt_member.person, next="https://evil.example/"))
    assert response.url == reverse("volunteer:unit_list")


def test_volunteer_posting_another_persons_id_gets_404_and_is_logged(client, volunteer, neighbour, caplog):
    client.force_login(volunteer)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(url(neighbour), post_data(neighbour))

    assert response.status_code == 404
    neighbour.refresh_from_db()
    assert neighbour.phone == "+6281200000002"
    assert f"/relawan/anggota/{neighbour.pk}/kontak/" in caplog.text
    assert "ani" in caplog.text


def test_coordinator_of_another_unit_gets_404(client, lks_chair, kt_member):
    client.force_login(lks_chair)
    response = client.post(url(kt_member.person), post_data(kt_member.person))
    assert response.status_code == 404
    kt_member.person.refresh_from_db()
    assert kt_member.person.address == "Jl. Uji No. 1, RT 01/RW 02"


def test_read_only_viewer_gets_403(client, kt_chair, kt_member, monkeypatch):
    """A person the user may see but not change (none exist today for coordinators: the scoping rule decides)."""
    monkeypatch.setattr("registry.scoping.can_edit_contacts", lambda user, person: False)
    client.force_login(kt_chair)
    assert client.post(url(kt_member.person), post_data(kt_member.person)).status_code == 403


def test_anonymous_goes_to_login(client, kt_member):
    response = client.get(url(kt_member.person))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, kt_chair, kt_member):
    client.force_login(kt_chair)
    assert client.delete(url(kt_member.person)).status_code == 405
