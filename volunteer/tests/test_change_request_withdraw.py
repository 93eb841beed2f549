"""A volunteer withdraws a pending request of their own; nobody else's, and nothing already decided."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry import services
from registry.models import ChangeRequest

pytestmark = pytest.mark.django_db


def url(request: ChangeRequest) -> str:
    return reverse("volunteer:change_request_withdraw", args=[request.pk])


@pytest.fixture
def pending(volunteer, volunteer_person):
    return services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"birth_place": "Pandeglang"}
    )


def test_volunteer_withdraws_a_pending_request(client, volunteer, pending):
    client.force_login(volunteer)
    response = client.post(url(pending), {"next": reverse("volunteer:my_data")}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("volunteer:my_data")
    assert "Permintaan dibatalkan." in response.text
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.WITHDRAWN


def test_decided_request_cannot_be_withdrawn(client, volunteer, pending, serang_staff):
    services.change_request_reject(change_request=pending, acting_user=serang_staff, reason="Tidak sesuai.")
    client.force_login(volunteer)

    response = client.post(url(pending), follow=True)

    assert "Permintaan ini sudah ditolak." in response.text
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.REJECTED


def test_another_volunteers_request_gets_404_and_is_logged(client, neighbour, pending, caplog):
    client.force_login(neighbour.account)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(url(pending))

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.PENDING
    assert "budi" in caplog.text


def test_staff_of_the_regency_cannot_withdraw_it_here(client, serang_staff, pending):
    """Staff decide requests in the admin; withdrawing is the requester's own act."""
    client.force_login(serang_staff)
    assert client.post(url(pending)).status_code == 404


def test_anonymous_goes_to_login(client, pending):
    response = client.post(url(pending))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer, pending):
    client.force_login(volunteer)
    assert client.get(url(pending)).status_code == 405
