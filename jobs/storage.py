"""Private storage: uploaded and produced files of jobs, never under a public URL."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """`STORAGES["private"]`; a callable, so the field's migration does not freeze the backend."""
    return storages["private"]
