"""The login page: one form for NIK, email, phone number or username; wrong passwords refused, and logged."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from accounts.tests.helpers import attempt_login, logged_in
from registry.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_names_every_identifier(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "NIK, email, nomor HP, atau nama pengguna" in response.text
    assert reverse("accounts:password_reset") in response.text


@pytest.mark.parametrize(
    "identifier",
    [
        "siti",  # username
        "siti.login@example.org",  # the login's email
        "SITI.Login@Example.org",  # email, in other case
        "0812-3456-7890",  # phone, as people type it
        "+62 812 3456 7890",
    ],
)
def test_volunteer_logs_in_with_any_identifier(volunteer, identifier):
    response = attempt_login(identifier)

    assert logged_in(response), response.text[:500]
    assert response.url == "/"
    assert response.wsgi_request.user == volunteer


def test_volunteer_logs_in_with_nik(volunteer):
    nik = volunteer.person.nik

    response = attempt_login(f"{nik[:6]} {nik[6:12]} {nik[12:]}")  # spaces as on the KTP

    assert logged_in(response)
    assert response.wsgi_request.user == volunteer


def test_staff_log_in_with_username(serang_staff):
    assert logged_in(attempt_login("kota-serang"))


def test_a_phone_shared_by_two_logins_names_neither(volunteer):
    PersonFactory(phone="+6281234567890", account=UserFactory(username="saudara-siti"))

    response = attempt_login("081234567890")

    assert response.status_code == 200
    assert not logged_in(response)
    assert "Masuk gagal" in response.text


def test_nik_of_a_person_without_login_does_not_log_in():
    person = PersonFactory()

    response = attempt_login(person.nik)

    assert response.status_code == 200
    assert "Masuk gagal" in response.text


def test_wrong_password_is_refused_with_a_clear_message(volunteer, caplog):
    with caplog.at_level(logging.WARNING):
        response = attempt_login("siti", password="salah-sandi-999")

    assert response.status_code == 200
    assert not logged_in(response)
    assert "Masuk gagal: NIK/email/nomor HP/nama pengguna atau kata sandi salah." in response.text
    # Visible in the logs, counted against the account (never with the password).
    ours = [r.getMessage() for r in caplog.records if r.name == "pskshub.accounts"]
    assert ours == [f"Login failed for user {volunteer.pk} from 10.0.0.1"]
    assert any(r.name.startswith("axes") and "login failure" in r.getMessage() for r in caplog.records)
    assert "salah-sandi-999" not in caplog.text


def test_inactive_login_is_refused(volunteer):
    volunteer.is_active = False
    volunteer.save()

    response = attempt_login("siti")

    assert response.status_code == 200
    assert not logged_in(response)
