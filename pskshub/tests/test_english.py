"""The project-level English catalog: chosen with the language switch, never from the browser's Accept-Language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

COMPILED_CATALOG = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
needs_catalog = pytest.mark.skipif(
    not COMPILED_CATALOG.exists(),
    reason=f"English catalog not compiled ({COMPILED_CATALOG} is missing): run `make setup`",
)

RECAP = reverse("registry:recap")


def choose_english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": RECAP})


@needs_catalog
def test_recap_in_english_after_choosing_it(client, province_staff):
    client.force_login(province_staff)
    choose_english(client)

    response = client.get(RECAP)

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "PSKS recap" in response.text
    assert "PSKS type" in response.text
    assert "Rekap PSKS" not in response.text
    assert "Jenis PSKS" not in response.text


@needs_catalog
def test_admin_person_form_in_english_after_choosing_it(client, province_staff):
    client.force_login(province_staff)
    choose_english(client)

    response = client.get(reverse("admin:registry_person_add"))

    assert response.status_code == 200
    assert "Full name" in response.text
    assert "Nama lengkap" not in response.text


@needs_catalog
def test_accept_language_alone_keeps_indonesian(client, province_staff):
    client.force_login(province_staff)

    response = client.get(RECAP, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="id">' in response.text
    assert "Rekap PSKS" in response.text
    assert "PSKS recap" not in response.text
