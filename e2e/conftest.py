"""Browser tests: Playwright for Python driving Debian's chromium (`apt-get install chromium`).

Skipped, with the reason printed under `pytest -rs`, when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = "Browser tests skipped: /usr/bin/chromium not found (apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's tests: Playwright's event loop ends with it.

    Its sync API runs that loop in this thread, where Django refuses ORM calls unless told otherwise; the
    setting lasts only as long as the browser (subprocesses such as `check --deploy` must not inherit it).
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


_flushed = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    result = yield  # raises (and so marks nothing) when the test is skipped or its setup fails
    if "browser" in item.keywords and "transactional_db" in getattr(item, "funcargs", {}):
        item.stash[_flushed] = True
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A browser test's transactional database is flushed at its teardown: the data the migrations and the
    session loaded (reference data, forum positions, Banten's regions) goes back, for the tests after it."""
    result = yield
    # After the session's last test (of this worker) the test database is already torn down and the
    # connection points at the real database again: restore nothing there.
    if item.stash.get(_flushed, False) and _test_database_is_up():
        from importlib import import_module

        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        from regions.loader import load_province

        with item.config.stash[blocking_manager_key].unblock():
            import_module("registry.migrations.0002_reference_data").load(apps, None)
            import_module("forums.migrations.0002_positions").load(apps, None)
            import_module("cases.migrations.0002_reference_data").load(apps, None)
            load_province("36")
    return result


def _test_database_is_up() -> bool:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    return name.startswith("test_") or (connection.vendor == "sqlite" and connection.is_in_memory_db())
