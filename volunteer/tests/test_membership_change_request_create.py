"""A correction of a membership's decree data: for one's own membership, or a member of one's unit."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry.models import ChangeRequest, Membership

pytestmark = pytest.mark.django_db


def url(membership: Membership) -> str:
    return reverse("volunteer:membership_change_request_create", args=[membership.pk])


def post_data(m: Membership, **changes) -> dict:
    return {
        "position": m.position,
        "decree_number": m.decree_number,
        "decree_date": m.decree_date.isoformat() if m.decree_date else "",
        "decree_issuer": m.decree_issuer,
        "membership_number": m.membership_number,
        "start_date": m.start_date.isoformat(),
        "end_date": "",
        "note": "",
        "expected_version": m.version,
    } | changes


def test_volunteer_asks_to_correct_their_decree(client, volunteer, volunteer_membership):
    client.force_login(volunteer)
    assert client.get(url(volunteer_membership)).status_code == 200

    response = client.post(
        url(volunteer_membership), post_data(volunteer_membership, decree_number="460/2/2021", decree_date="2021-02-01")
    )

    assert response.url == reverse("volunteer:my_data")
    request = ChangeRequest.objects.get()
    assert request.membership == volunteer_membership
    assert request.changes == {
        "decree_number": {"old": "460/1/2020", "new": "460/2/2021"},
        "decree_date": {"old": "", "new": "2021-02-01"},
    }
    volunteer_membership.refresh_from_db()
    assert volunteer_membership.decree_number == "460/1/2020"


def test_model_rules_apply(client, volunteer, volunteer_membership):
    client.force_login(volunteer)
    response = client.post(url(volunteer_membership), post_data(volunteer_membership, end_date="2020-01-01"))

    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.text
    assert not ChangeRequest.objects.exists()


def test_coordinator_asks_for_a_member_of_their_unit(client, kt_chair, kt_member):
    client.force_login(kt_chair)
    response = client.post(url(kt_member), post_data(kt_member, position="Wakil Ketua"))

    assert response.url == reverse("volunteer:change_request_list")
    request = ChangeRequest.objects.get()
    assert (request.person, request.requested_by) == (kt_member.person, kt_chair)


def test_volunteer_posting_another_persons_membership_gets_404_and_is_logged(
    client, volunteer, neighbour_membership, caplog
):
    client.force_login(volunteer)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(url(neighbour_membership), post_data(neighbour_membership, decree_number="X"))

    assert response.status_code == 404
    assert not ChangeRequest.objects.exists()
    assert f"/relawan/keanggotaan/{neighbour_membership.pk}/ubah/" in caplog.text


def test_coordinator_of_another_unit_gets_404(client, lks_chair, kt_member):
    client.force_login(lks_chair)
    assert client.get(url(kt_member)).status_code == 404


def test_staff_scope_does_not_open_this_page(client, serang_staff, kt_member):
    """Staff correct memberships in the admin; the volunteer site only knows own and roster memberships."""
    client.force_login(serang_staff)
    assert client.get(url(kt_member)).status_code == 404


def test_anonymous_goes_to_login(client, volunteer_membership):
    response = client.get(url(volunteer_membership))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer, volunteer_membership):
    client.force_login(volunteer)
    assert client.patch(url(volunteer_membership)).status_code == 405
