"""Sessions end after SESSION_COOKIE_AGE without a request (pskshub.middleware.IdleTimeoutMiddleware)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.helpers import attempt_login, logged_in
from pskshub.middleware import IdleTimeoutMiddleware

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:password_change")  # any page that needs a login


@pytest.fixture
def browser(volunteer) -> Client:
    client = Client()
    assert logged_in(attempt_login("siti", client=client))
    return client


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_login_starts_the_idle_clock(browser):
    session = browser.session

    assert abs(session[IdleTimeoutMiddleware.KEY] - time.time()) < 5
    expiry = session_row(browser).expire_date
    assert abs((expiry - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 5


def test_session_idle_longer_than_the_limit_is_logged_out(browser):
    assert browser.get(PAGE).status_code == 200
    Session.objects.filter(pk=session_row(browser).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = browser.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_activity_moves_the_expiry_forward(browser):
    session = browser.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - IdleTimeoutMiddleware.REFRESH_SECONDS - 1
    session.save()
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(pk=session.session_key).update(expire_date=soon)

    assert browser.get(PAGE).status_code == 200

    expiry = session_row(browser).expire_date
    assert abs((expiry - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 5


def test_expiry_is_refreshed_at_most_once_a_minute(browser):
    """A request within a minute of the last refresh writes nothing (no database write per page)."""
    session_key = session_row(browser).pk
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(pk=session_key).update(expire_date=soon)

    assert browser.get(PAGE).status_code == 200

    assert Session.objects.get(pk=session_key).expire_date == soon


def test_anonymous_visits_create_no_session(client):
    client.get(reverse("login"))

    assert not Session.objects.exists()
