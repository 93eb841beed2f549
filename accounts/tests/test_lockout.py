"""Lockout after repeated failures (django-axes): counted per account and per address, lifting by itself."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from accounts.tests.helpers import attempt_login, logged_in
from registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
WRONG = "salah-sandi-999"


def fail_as_siti_from_many_addresses(volunteer) -> list:
    """LIMIT failures against Siti's login, each from another address and naming her another way."""
    identifiers = ["siti", volunteer.person.nik, "0812 3456 7890", "siti.login@example.org", "+6281234567890"]
    return [attempt_login(identifiers[i % len(identifiers)], WRONG, ip=f"10.1.0.{i + 1}") for i in range(LIMIT)]


def test_account_is_locked_after_failures_from_different_addresses_and_identifiers(volunteer):
    responses = fail_as_siti_from_many_addresses(volunteer)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"siti"}
    # Even the right password, from an address never seen before, is refused now.
    response = attempt_login("siti", ip="10.9.9.9")
    assert response.status_code == 429
    assert not logged_in(response)


def test_address_is_locked_after_failures_against_different_accounts(volunteer):
    for i in range(LIMIT):
        UserFactory(username=f"korban-{i}")
        attempt_login(f"korban-{i}", WRONG, ip="10.2.0.1")

    from_there = attempt_login("siti", ip="10.2.0.1")
    from_elsewhere = attempt_login("siti", ip="10.2.0.2")

    assert from_there.status_code == 429
    assert logged_in(from_elsewhere)


def test_failures_below_the_limit_do_not_lock(volunteer):
    for i in range(LIMIT - 1):
        attempt_login("siti", WRONG, ip=f"10.3.0.{i + 1}")

    assert logged_in(attempt_login("siti", ip="10.3.0.99"))


def test_lockout_page_says_why_for_how_long_and_who_can_unlock(volunteer):
    response = fail_as_siti_from_many_addresses(volunteer)[-1]

    assert response.status_code == 429
    text = " ".join(response.text.split())
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert "Login dikunci sementara" in text
    assert f"Setelah {LIMIT} kali gagal" in text
    assert f"dikunci selama {minutes} menit" in text
    assert "Petugas Dinas Sosial kabupaten/kota Anda dapat membuka kunci lebih awal" in text


def test_lockout_lifts_by_itself_after_the_cool_off(volunteer):
    fail_as_siti_from_many_addresses(volunteer)
    assert attempt_login("siti", ip="10.4.0.1").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))

    assert logged_in(attempt_login("siti", ip="10.4.0.1"))


@override_settings(AXES_COOLOFF_TIME=dt.timedelta(seconds=1))
def test_lockout_lifts_with_a_short_cool_off(volunteer):
    fail_as_siti_from_many_addresses(volunteer)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(seconds=2))

    assert logged_in(attempt_login("siti"))


def test_lockout_is_logged(volunteer, caplog):
    with caplog.at_level(logging.WARNING):
        fail_as_siti_from_many_addresses(volunteer)
        attempt_login("siti", ip="10.5.0.1")

    ours = [r.getMessage() for r in caplog.records if r.name == "pskshub.accounts"]
    assert f"Login failed for user {volunteer.pk} from 10.1.0.1" in ours
    assert f"Login locked out after repeated failures: user {volunteer.pk}, from 10.5.0.1" in ours
    assert any("Locking out" in r.getMessage() for r in caplog.records if r.name.startswith("axes"))


@override_settings(AXES_RESET_ON_SUCCESS=False)
def test_own_success_does_not_reset_the_count_against_another_account(volunteer, no_role_user):
    """With AXES_RESET_ON_SUCCESS off, accounts.receivers forgets only the logged-in account's failures,
    so an attacker cannot reset the count against Siti by logging in to their own account between guesses."""
    for _ in range(LIMIT - 1):
        attempt_login("siti", WRONG, ip="10.6.0.1")
    assert logged_in(attempt_login("tanpa-peran", ip="10.6.0.1"))  # the attacker's own login

    assert attempt_login("siti", WRONG, ip="10.6.0.1").status_code == 429
    assert attempt_login("siti", ip="10.6.0.2").status_code == 429


@override_settings(AXES_RESET_ON_SUCCESS=False)
def test_own_success_forgets_own_failures(volunteer):
    for _ in range(LIMIT - 1):
        attempt_login("siti", WRONG)
    assert logged_in(attempt_login("siti"))

    for _ in range(LIMIT - 1):
        attempt_login("siti", WRONG)
    assert logged_in(attempt_login("siti"))
