"""Settings and the pages around the registry: deploy checks, the secret key, security headers,
no inline code, the front door, the language switch, the health check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from registry.tests.factories import MembershipFactory

BASE_DIR = Path(settings.BASE_DIR)

# Everything pskshub/settings.py reads from the environment: cleared so the test decides.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "PROVINCE_CODE",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "STATICFILES_BACKEND",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_AGE",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "LOG_LEVEL",
}


def manage(*args: str, tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    """`manage.py <args>` in a fresh interpreter, with only the given settings variables."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="pskshub.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **variables,
    )
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def secret_key() -> str:
    return secrets.token_urlsafe(50)


def dotenv_sets(name: str) -> bool:
    dotenv = BASE_DIR / ".env"
    return dotenv.exists() and re.search(rf"^\s*{name}\s*=", dotenv.read_text(), re.MULTILINE) is not None


# --- settings from the environment ---------------------------------------------------------------------------------


def test_deploy_check_passes_with_debug_off_and_a_secret_key(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=secret_key()
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_passes_for_a_configured_production(tmp_path):
    """Mail through SMTP and HSTS preloading chosen: nothing else is left for `check --deploy` to report."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY=secret_key(),
        EMAIL_URL="smtp+tls://psks:rahasia@mail.example.org:587",
        SECURE_HSTS_PRELOAD="1",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.skipif(dotenv_sets("SECRET_KEY"), reason="the local .env sets SECRET_KEY")
def test_settings_refuse_to_load_without_a_secret_key_when_debug_is_off(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_runs_without_a_secret_key(tmp_path):
    result = manage("check", "--fail-level", "WARNING", tmp_path=tmp_path, DEBUG="1")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_connections_persist_and_are_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


def test_jakarta_time_and_indonesian_first():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


# --- security headers and inline code ------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response) -> None:
    csp = csp_directives(response)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    assert csp["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_login_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_strict_csp(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_pages_carry_a_strict_content_security_policy(client, province_staff):
    client.force_login(province_staff)
    for url in (reverse("admin:index"), reverse("admin:registry_person_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_csp(response)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_no_inline_code(html: str) -> None:
    assert "<script" in html  # the page does load scripts, from files
    assert not INLINE_SCRIPT.findall(html)
    assert not STYLE_ATTRIBUTE.findall(html)
    assert not STYLE_ELEMENT.findall(html)
    assert not EVENT_HANDLER.findall(html)


@pytest.mark.django_db
def test_login_page_has_no_inline_scripts_or_styles(client):
    response = client.get(reverse("login"))

    assert_no_inline_code(response.text)


@pytest.mark.django_db
def test_login_page_with_errors_has_no_inline_scripts_or_styles(client):
    response = client.post(reverse("login"), {"username": "siapa", "password": "salah"})

    assert response.status_code == 200
    assert_no_inline_code(response.text)


@pytest.mark.django_db
def test_recap_page_has_no_inline_scripts_or_styles(client, province_staff):
    MembershipFactory()
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"))

    assert response.status_code == 200
    assert_no_inline_code(response.text)


@pytest.mark.django_db
def test_admin_pages_have_no_inline_scripts_or_styles(client, province_staff):
    """The admin runs under the same policy; our base_site.html and language switch must not break it."""
    person = MembershipFactory().person
    client.force_login(province_staff)
    for url in (
        reverse("admin:index"),
        reverse("admin:registry_person_changelist"),
        reverse("admin:registry_person_change", args=[person.pk]),
    ):
        assert_no_inline_code(client.get(url).text)


@pytest.mark.django_db
def test_no_role_page_has_no_inline_scripts_or_styles(client, no_role_user):
    client.force_login(no_role_user)

    assert_no_inline_code(client.get(reverse("home")).text)


# --- the front door ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_sends_visitors_to_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_home_sends_staff_to_the_admin(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_home_tells_a_user_without_role_to_ask_for_one(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "belum memiliki peran" in response.text
    assert reverse("admin:index") not in response.text
    assert reverse("registry:recap") not in response.text


@pytest.mark.django_db
def test_home_accepts_get_only(client):
    assert client.post(reverse("home")).status_code == 405


@pytest.mark.django_db
def test_logged_in_user_opening_login_goes_home(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- language -----------------------------------------------------------------------------------------------------


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.text)
    assert match
    return match.group(1)


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client):
    assert html_lang(client.get(reverse("login"))) == "id"
    assert "Masuk ke PSKS Hub" in client.get(reverse("login")).text

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert html_lang(client.get(reverse("login"))) == "en"

    client.post(reverse("set_language"), {"language": "id", "next": reverse("login")})
    assert html_lang(client.get(reverse("login"))) == "id"


@pytest.mark.django_db
def test_language_switch_refuses_a_foreign_next_url(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://contoh.example/"})

    assert response.status_code == 302
    assert not response["Location"].startswith("https://contoh.example")


# --- health ---------------------------------------------------------------------------------------------------------


def test_healthz_says_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_forum_officer_is_sent_from_home_to_their_dashboard(client, db):
    from accounts.models import RoleAssignment
    from registry.tests.factories import RoleFactory, UserFactory

    officer = RoleFactory(
        user=UserFactory(username="forum-serang"), role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.04"
    ).user
    client.force_login(officer)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/dasbor/kabupaten-serang/"
    assert response.status_code == 200
