"""Staff lift a lockout early: the "Buka kunci login" action on the user list."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from accounts import lockouts
from accounts.models import User
from accounts.tests.helpers import attempt_login, logged_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


def lock(username: str) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt_login(username, "salah-sandi-999", ip=f"10.8.0.{i + 1}")
    assert attempt_login(username, ip="10.8.1.1").status_code == 429


def unlock(client, *users):
    return client.post(CHANGELIST, {"action": "unlock_logins", "_selected_action": [u.pk for u in users]}, follow=True)


def test_province_staff_unlock_a_login(client, province_staff, volunteer, caplog):
    lock("siti")
    client.force_login(province_staff)

    with caplog.at_level(logging.INFO, logger="pskshub.accounts"):
        response = unlock(client, volunteer)

    [message] = list(response.context["messages"])
    assert "Kunci login dibuka untuk 1 pengguna" in message.message
    assert not AccessAttempt.objects.filter(username="siti").exists()
    assert logged_in(attempt_login(volunteer.person.nik, ip="10.8.1.1"))
    assert f"Login of user {volunteer.pk} unlocked by user {province_staff.pk}" in caplog.text


def test_user_list_shows_who_is_locked(client, province_staff, volunteer):
    lock("siti")
    client.force_login(province_staff)

    assert lockouts.is_locked(lockouts.with_recent_failures(User.objects.filter(pk=volunteer.pk)).get())
    assert not lockouts.is_locked(lockouts.with_recent_failures(User.objects.filter(pk=province_staff.pk)).get())
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "terkunci" in response.text.lower()


def test_unlocking_a_login_without_failures_says_so(client, province_staff, volunteer):
    client.force_login(province_staff)

    response = unlock(client, volunteer)

    [message] = list(response.context["messages"])
    assert "Tidak ada percobaan masuk gagal" in message.message


def test_regency_staff_unlock_their_regencys_volunteer(client, serang_staff, volunteer):
    lock("siti")
    client.force_login(serang_staff)

    unlock(client, volunteer)

    assert logged_in(attempt_login("siti", ip="10.8.1.1"))


def test_regency_staff_cannot_unlock_another_regencys_volunteer(client, serang_staff, lebak_volunteer):
    lock("asep")
    client.force_login(serang_staff)

    unlock(client, lebak_volunteer)

    assert AccessAttempt.objects.filter(username="asep").exists()
    assert attempt_login("asep", ip="10.8.1.2").status_code == 429


def test_unlock_needs_a_staff_role(client, no_role_user, volunteer):
    lock("siti")
    client.force_login(no_role_user)

    client.post(CHANGELIST, {"action": "unlock_logins", "_selected_action": [volunteer.pk]})

    assert AccessAttempt.objects.filter(username="siti").exists()
