"""Helpers for the accounts tests."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

PASSWORD = "rahasia-uji-123"  # every factory user's password


def attempt_login(identifier: str, password: str = PASSWORD, ip: str = "10.0.0.1", client: Client | None = None):
    """One login attempt from `ip`, by a fresh browser unless a client is given."""
    client = client or Client()
    return client.post(reverse("login"), {"username": identifier, "password": password}, REMOTE_ADDR=ip)


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session
