"""Password reset by email (Django's views, our templates), and password change when logged in."""

from __future__ import annotations

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.tests.helpers import PASSWORD, attempt_login, logged_in
from accounts.tokens import invitation_token_generator
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kelapa-Muda-2024!"
RESET = reverse("accounts:password_reset")


def request_reset(email: str, client: Client | None = None):
    client = client or Client()
    response = client.post(RESET, {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    return response


def reset_path(body: str) -> str:
    match = re.search(r"http://testserver(/akun/lupa-sandi/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def set_new_password(path: str, password: str = NEW_PASSWORD, client: Client | None = None):
    client = client or Client()
    form_page = client.get(path)
    assert form_page.status_code == 302  # Django moves the token out of the URL, into the session
    return client.post(form_page.url, {"new_password1": password, "new_password2": password})


def test_reset_form_renders(client):
    response = client.get(RESET)

    assert response.status_code == 200
    assert "Lupa kata sandi" in response.text


def test_reset_email_is_sent_and_its_link_sets_a_new_password(volunteer, caplog):
    with caplog.at_level(logging.INFO, logger="pskshub.accounts"):
        request_reset("siti.login@example.org")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["siti.login@example.org"]
    assert "Atur ulang kata sandi" in email.subject
    assert f"berlaku {settings.PASSWORD_RESET_TIMEOUT // 3600} jam" in email.body
    response = set_new_password(reset_path(email.body))

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)
    assert logged_in(attempt_login("siti", NEW_PASSWORD))
    assert f"Password reset link sent to user {volunteer.pk}" in caplog.text


def test_reset_by_the_email_on_the_volunteers_record(volunteer):
    """The record's email (which the volunteer keeps up to date) works too; the link goes there."""
    request_reset("SITI@example.org")

    [email] = mail.outbox
    assert email.to == ["siti@example.org"]
    set_new_password(reset_path(email.body))
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_email(volunteer):
    request_reset("orang-lain@example.org")

    assert mail.outbox == []


def test_invited_person_without_a_password_gets_no_reset_email(serang_staff):
    person = PersonFactory(email="baru@example.org")
    services.person_invite(person=person, acting_user=serang_staff)

    request_reset("baru@example.org")

    assert mail.outbox == []


def test_used_reset_link_is_refused_and_logged(volunteer, caplog):
    request_reset("siti.login@example.org")
    path = reset_path(mail.outbox[0].body)
    set_new_password(path)

    with caplog.at_level(logging.WARNING, logger="pskshub.accounts"):
        response = Client().get(path)

    assert response.status_code == 400
    assert "tidak berlaku lagi" in response.text
    assert "Password reset link refused" in caplog.text
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)


def test_invitation_token_is_not_a_reset_token(volunteer):
    uid = urlsafe_base64_encode(force_bytes(volunteer.pk))
    token = invitation_token_generator.make_token(volunteer)

    response = Client().get(reverse("accounts:password_reset_confirm", args=[uid, token]))

    assert response.status_code == 400


def test_weak_new_password_is_refused(volunteer):
    request_reset("siti.login@example.org")

    response = set_new_password(reset_path(mail.outbox[0].body), password="password")

    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum." in response.text
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)


def test_reset_lifts_a_lockout(volunteer):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt_login("siti", "salah-sandi-999", ip=f"10.7.0.{i + 1}")
    assert attempt_login("siti", ip="10.7.1.1").status_code == 429

    request_reset("siti.login@example.org")
    set_new_password(reset_path(mail.outbox[0].body))

    assert not AccessAttempt.objects.filter(username="siti").exists()
    assert logged_in(attempt_login("siti", NEW_PASSWORD, ip="10.7.1.1"))


# --- password change ---------------------------------------------------------------------------------------------


def test_logged_in_user_changes_password(client, volunteer):
    client.force_login(volunteer)
    url = reverse("accounts:password_change")

    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert client.get(response.url).status_code == 200  # still logged in
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_is_refused(client, volunteer):
    client.force_login(volunteer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)


def test_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
