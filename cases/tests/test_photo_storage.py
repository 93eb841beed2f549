"""Photo files follow their rows: written in a transaction that fails, or belonging to a deleted photo, they go."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.db import DatabaseError, transaction

from cases import services
from cases.models import Case, CasePhoto, PmksCategory
from cases.photos import clean_photo
from cases.tests import site_personas
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from cases.tests.photo_files import jpeg_upload, png_upload

pytestmark = pytest.mark.django_db
VISITED = dt.date(2026, 1, 5)


def stored_files(path: str = "cases/photos") -> set[str]:
    """Every file under `path` in the private storage."""
    storage = storages["private"]
    if not storage.exists(path):
        return set()
    folders, files = storage.listdir(path)
    found = {f"{path}/{name}" for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}")
    return found


def two_photos() -> list:
    return [clean_photo(jpeg_upload()), clean_photo(png_upload())]


@pytest.fixture
def volunteer():
    return site_personas.volunteer()


@pytest.fixture
def case(volunteer):
    return CaseFactory(reported_by=volunteer)


class LaterStepFailed(Exception):
    pass


def fails_later(step) -> None:
    """Run `step` in a transaction that an error after it rolls back."""
    with suppress(LaterStepFailed), transaction.atomic():
        step()
        raise LaterStepFailed


def _fail_on_second_row():
    """CasePhoto.save that fails for the second photo, after its file was written."""
    real_save, calls = CasePhoto.save, []

    def save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real_save(self, *args, **kwargs)

    return mock.patch.object(CasePhoto, "save", save)


def test_a_report_that_fails_after_writing_photos_leaves_no_file(volunteer):
    before = stored_files()
    beneficiary = BeneficiaryFactory.build(nik=None)

    with _fail_on_second_row(), pytest.raises(DatabaseError):
        services.report_with_beneficiary(
            user=volunteer,
            beneficiary=beneficiary,
            category=PmksCategory.objects.get(code="LUT"),
            description="Nenek di emperan pasar.",
            photos=two_photos(),
        )

    assert not Case.objects.exists()
    assert stored_files() == before


def test_a_visit_rolled_back_by_a_later_error_leaves_no_file(case, volunteer):
    before = stored_files()

    def visit():
        services.log_visit(case, user=volunteer, visited_on=VISITED, text="Dikunjungi.", photos=two_photos())
        assert len(stored_files() - before) == 2  # written, not yet committed

    fails_later(visit)

    assert not CasePhoto.objects.exists()
    assert stored_files() == before


def test_only_the_rolled_back_part_loses_its_files(case, volunteer, django_capture_on_commit_callbacks):
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.log_visit(case, user=volunteer, visited_on=VISITED, text="Pertama.", photos=two_photos())
        fails_later(
            lambda: services.log_visit(case, user=volunteer, visited_on=VISITED, text="Kedua.", photos=two_photos())
        )

    assert stored_files() - before == {p.image.name for p in kept.photos.all()}
    assert CasePhoto.objects.count() == 2


def test_committed_photos_keep_their_files(case, volunteer, django_capture_on_commit_callbacks):
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = services.log_visit(case, user=volunteer, visited_on=VISITED, text="Dikunjungi.", photos=two_photos())
    callbacks.clear()  # the callbacks are gone, as after a real commit

    assert stored_files() - before == {p.image.name for p in entry.photos.all()}


@pytest.mark.django_db(transaction=True)
def test_real_transactions_commit_or_discard_the_files(volunteer):
    case = CaseFactory(reported_by=volunteer)
    before = stored_files()

    entry = services.log_visit(case, user=volunteer, visited_on=VISITED, text="Tersimpan.", photos=two_photos())
    kept = {p.image.name for p in entry.photos.all()}
    fails_later(
        lambda: services.log_visit(case, user=volunteer, visited_on=VISITED, text="Batal.", photos=two_photos())
    )

    assert stored_files() - before == kept


def test_a_deleted_photo_loses_its_file_once_committed(case, volunteer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.add_photos(case.entries.get(), [clean_photo(jpeg_upload())])[0]
    name = photo.image.name

    fails_later(photo.delete)
    assert name in stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        case.delete()  # the photo goes with its case and entry
    assert not CasePhoto.objects.exists()
    assert name not in stored_files()
