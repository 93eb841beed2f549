"""What every benchmark does before Django starts: production settings, and the PostgreSQL database DATABASE_URL names."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def ensure_database(*, require_postgres: str = "") -> None:
    """Create the database if it does not exist yet; `require_postgres`: exit with it if the URL is not PostgreSQL."""
    url = urlparse(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        if require_postgres:
            sys.exit(require_postgres)
        return
    import psycopg2

    name = url.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres", user=url.username, password=url.password, host=url.hostname, port=url.port or 5432
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    conn.close()


# Pages are timed as production serves them (DEBUG off: cached templates, no debug SQL log), over plain HTTP on
# localhost; with DEBUG on, a changelist cost about 25 ms more CPU. Environment values already set win.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "False",
    "SESSION_COOKIE_SECURE": "False",
    "CSRF_COOKIE_SECURE": "False",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}


def production_settings() -> None:
    for name, value in PRODUCTION_ENV.items():
        os.environ.setdefault(name, value)
    # One key for the benchmark and any server it starts: a session made in one is valid in the other.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
