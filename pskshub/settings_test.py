"""Test settings: the real settings plus what tests must not depend on (cookiecutter's test.py)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-5d0b7a3c9e1f4a2b8c6d0e9f7a1b3c5d")

from pskshub.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
LANGUAGE_CODE = "id"
# Background jobs run at once, inside the request (jobs/tests also run one through the database backend).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
