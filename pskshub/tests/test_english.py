"""The project-level English catalog: chosen with the language switch, never from the browser's Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
COMPILED_CATALOG = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo"
# The project's catalog and the apps' own (volunteer/locale): what makemessages writes.
CATALOGS = sorted(
    path
    for path in [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]
    if path.relative_to(ROOT).parts[0] not in (".venv", "node_modules")
)
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


# --- The catalog itself ----------------------------------------------------------------------------------------------

_PO_LINE = re.compile(r'^(?:#~ )?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def po_entries(text: str) -> list[dict]:
    """The entries of a .po file: their msgid/msgstr… strings (escapes kept), `fuzzy` and `obsolete` (`#~`)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry = {"fuzzy": False, "obsolete": False}
        key = None
        for line in block.splitlines():
            match = _PO_LINE.match(line)
            if match:
                key = match[1]
                entry[key] = match[2]
            elif line.lstrip("#~ ").startswith('"') and key:
                entry[key] += line.lstrip("#~ ")[1:-1]
            elif line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            if line.startswith("#~"):
                entry["obsolete"] = True
        if "msgid" in entry:
            entries.append(entry)
    return entries


def untranslated(text: str) -> list[str]:
    """What a translator still has to do in a catalog: each entry that is empty, fuzzy or obsolete."""
    problems = []
    for entry in po_entries(text):
        msgstrs = [value for key, value in entry.items() if key.startswith("msgstr")]
        if entry["obsolete"]:
            problems.append(f"obsolete: {entry['msgid']}")
        elif entry["fuzzy"]:
            problems.append(f"fuzzy: {entry['msgid']}")
        elif entry["msgid"] and not all(msgstrs):
            problems.append(f"empty: {entry['msgid']}")
    return problems


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_string_of_the_catalogs_is_translated(catalog):
    assert untranslated(catalog.read_text(encoding="utf-8")) == []


def test_both_catalogs_are_checked():
    assert [str(path.relative_to(ROOT)) for path in CATALOGS] == [
        "locale/en/LC_MESSAGES/django.po",
        "volunteer/locale/en/LC_MESSAGES/django.po",
    ]


def test_the_catalog_check_finds_empty_fuzzy_plural_and_obsolete_entries():
    catalog = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            "",
            "#: a.py:1",
            'msgid "Rekap PSKS"',
            'msgstr "PSKS recap"',
            "",
            'msgid ""',
            '"Nama "',
            '"lengkap"',
            'msgstr ""',
            "",
            "#, fuzzy, python-format",
            'msgid "Kasus #%(pk)s"',
            'msgstr "Case"',
            "",
            'msgid "%(n)s foto"',
            'msgid_plural "%(n)s foto"',
            'msgstr[0] "%(n)s photo"',
            'msgstr[1] ""',
            "",
            '#~ msgid "Lama"',
            '#~ msgstr "Old"',
        ]
    )

    assert untranslated(catalog) == [
        "empty: Nama lengkap",
        "fuzzy: Kasus #%(pk)s",
        "empty: %(n)s foto",
        "obsolete: Lama",
    ]
