"""The jobs contract: start_job, handlers, progress, failure leaving data untouched, the database worker."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings

from jobs import services
from jobs.models import Job
from jobs.registry import job_handler
from jobs.services import JobError, start_job
from registry.models import Person
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@job_handler("test_count")
def count_rows(job, progress) -> dict:
    total = job.params["rows"]
    for number in range(1, total + 1):
        progress(number, total, "Menghitung baris")
    job.result_file.save("hasil.txt", ContentFile(b"selesai"), save=False)
    return {"counted": total}


@job_handler("test_writes_then_fails")
def writes_then_fails(job, progress) -> dict:
    PersonFactory(full_name="Tidak Boleh Tersimpan")
    progress(1, 2)
    if job.params.get("expected"):
        raise JobError("Baris 2: NIK harus 16 digit; tertulis 15 digit.")
    raise KeyError("kolom")


def test_a_job_runs_its_handler_and_records_result_progress_and_file(serang_staff):
    job = start_job(serang_staff, "test_count", params={"rows": 3, "title": "Hitung"})

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.get_status_display() == "selesai"
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.result == {"counted": 3}
    assert job.message == "Selesai."
    assert job.result_file.read() == b"selesai"
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.created_by == serang_staff


def test_a_failing_handler_leaves_the_data_untouched_and_says_why(serang_staff):
    before = Person.objects.count()

    job = start_job(serang_staff, "test_writes_then_fails", params={"expected": True})

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Baris 2: NIK harus 16 digit; tertulis 15 digit."
    assert job.message == "Gagal. Tidak ada data yang diubah."
    assert not Person.objects.filter(full_name="Tidak Boleh Tersimpan").exists()
    assert Person.objects.count() == before


def test_an_unexpected_error_is_shown_plainly_and_logged(serang_staff, caplog):
    job = start_job(serang_staff, "test_writes_then_fails")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "kesalahan yang tidak terduga (KeyError)" in job.error
    assert "Tidak ada data yang diubah" in job.error
    assert not Person.objects.filter(full_name="Tidak Boleh Tersimpan").exists()
    assert "failed" in caplog.text


def test_progress_costs_nothing_per_row(serang_staff, django_assert_max_num_queries):
    """Ten thousand progress calls write the row a handful of times (first call, then every ~0.5 s, the last)."""
    job = Job.objects.create(kind="test_count", created_by=serang_staff)
    progress = services.Progress(job)
    with django_assert_max_num_queries(4):
        for number in range(1, 10_001):
            progress(number, 10_000)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (10_000, 10_000)


def test_an_unknown_kind_is_refused(serang_staff):
    with pytest.raises(ValueError, match="No handler"):
        start_job(serang_staff, "no_such_kind")
    assert not Job.objects.exists()


def test_a_job_is_run_once_only(serang_staff):
    job = start_job(serang_staff, "test_count", params={"rows": 1})
    services.run(str(job.pk))  # a task delivered twice: the second finds the job no longer queued
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_the_database_worker_runs_a_queued_job(serang_staff, django_capture_on_commit_callbacks, monkeypatch):
    """The real backend: the job waits in the queue until `db_worker` picks it up."""
    # The worker drops stale connections between tasks; inside the test's transaction that would end the test.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(serang_staff, "test_count", params={"rows": 5})
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"counted": 5}
