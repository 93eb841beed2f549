"""Starting background jobs, and running them: the contract every kind of job follows.

    job = start_job(request.user, "import_persons", params={"title": "Impor relawan"}, input_file=upload)
    return redirect(job)                    # /tugas/<uuid>/: status, progress bar, error, download

`start_job` saves the job (queued) and hands it to Django's tasks framework (`jobs.tasks.run_job`):
the database backend in development and production (`manage.py db_worker`), the immediate backend in
tests. `run_job` calls the kind's handler (see `jobs.registry`) and records how it ended.
"""

from __future__ import annotations

import logging
import time
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import NO_RESULTS
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs import registry
from jobs.models import Job

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), whatever the handler reports.
PROGRESS_INTERVAL = 0.5


class JobError(Exception):
    """A failure the user can act on; its message (Indonesian) is shown on the job's page as is."""


def start_job(user, kind: str, *, params: dict | None = None, input_file: File | None = None) -> Job:
    """Save a queued job of `kind` for `user` and enqueue it; the returned job's page shows its progress."""
    if not registry.is_registered(kind):
        raise ValueError(f"No handler registered for job kind {kind!r}")
    job = Job(kind=kind, created_by=user, params=params or {}, message=_("Menunggu giliran diproses…"))
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", None) or "masukan", input_file, save=False)
    job.save()
    from jobs.tasks import run_job

    enqueue = partial(run_job.enqueue, str(job.pk))
    if isinstance(run_job.get_backend(), ImmediateBackend):
        enqueue()  # runs now, inside this request (tests)
    else:
        transaction.on_commit(enqueue)  # a worker must find the job saved; at once outside a transaction
    return job


def run(job_id: str) -> None:
    """Run one job: claim it, call its handler, record done or failed. Never raises for a handler's error."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now(), message=_("Sedang diproses…")
    )
    if not claimed:
        logger.warning("Job %s is missing or was already run", job_id)
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    handler = registry.get_handler(job.kind)
    with translation.override(settings.LANGUAGE_CODE):
        if handler is None:
            _fail(job, _("Jenis tugas %(kind)s tidak dikenal.") % {"kind": job.kind})
            return
        # Progress must be seen by the page while the handler's transaction is still open: it is written
        # through a connection of its own, unless the run is already inside someone else's transaction
        # (tests, the immediate backend within a request), where nobody could see it before the end anyway.
        separate = handler.atomic and not connection.in_atomic_block
        progress = Progress(job, separate_connection=separate)
        try:
            if handler.atomic:
                with transaction.atomic():
                    result = handler.func(job, progress)
            else:
                result = handler.func(job, progress)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job, none reaches the worker
            _discard_result_file(job)
            _fail(job, _user_message(exc), exc=exc)
            return
        finally:
            progress.close()
    job.status = Job.Status.DONE
    job.result = result or {}
    if job.progress_total:
        job.progress_done = job.progress_total
    job.message = str(job.result.get("message") or _("Selesai."))[:255]
    job.finished_at = job.updated_at = timezone.now()
    job.save()


def _user_message(exc: Exception) -> str:
    if isinstance(exc, JobError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _(
        "Terjadi kesalahan yang tidak terduga (%(error)s). Tidak ada data yang diubah. "
        "Coba lagi, atau hubungi admin Dinas Sosial bila terulang."
    ) % {"error": type(exc).__name__}


def _fail(job: Job, message: str, *, exc: Exception | None = None) -> None:
    if exc is not None and not isinstance(exc, (JobError, ValidationError)):
        logger.exception("Job %s (%s) failed", job.pk, job.kind, exc_info=exc)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED,
        error=message,
        message=_("Gagal. Tidak ada data yang diubah."),
        result_file="",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _discard_result_file(job: Job) -> None:
    if job.result_file:
        try:
            job.result_file.delete(save=False)
        except OSError:
            logger.warning("Could not delete the partial result of job %s", job.pk)


class Progress:
    """`progress(done, total, message="")`: cheap per call, written to the job row at most every ~0.5 s.

    The first call, a changed message and the last row (done == total) are always written.
    """

    def __init__(self, job: Job, *, separate_connection: bool = False) -> None:
        self.job = job
        self.separate_connection = separate_connection
        self.last_message: str | None = None
        self._last_write = 0.0
        self._conn = None
        self._disabled = False

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        message = str(message)
        total = self.job.progress_total if total is None else total
        final = bool(total) and done >= total
        if now - self._last_write < PROGRESS_INTERVAL and not final and message == (self.last_message or ""):
            return
        self._last_write = now
        self.last_message = message
        self.job.progress_done, self.job.progress_total = done, total
        if message:
            self.job.message = message[:255]
        self._write({"progress_done": done, "progress_total": total or 0, "message": self.job.message})

    def _write(self, values: dict) -> None:
        values["updated_at"] = timezone.now()
        if not self.separate_connection:
            Job.objects.filter(pk=self.job.pk).update(**values)
            return
        if self._disabled:
            return
        try:
            if self._conn is None:
                self._conn = connections.create_connection(DEFAULT_DB_ALIAS)
                if self._conn.vendor == "sqlite":
                    # SQLite has one writer: while the handler's transaction writes, give up quickly.
                    with self._conn.cursor() as cursor:
                        cursor.execute("PRAGMA busy_timeout = 200")
            query = UpdateQuery(Job)
            query.add_update_values(values)
            query.add_filter("pk", self.job.pk)
            query.get_compiler(connection=self._conn).execute_sql(NO_RESULTS)
        except OperationalError:
            # SQLite locked by the handler's own writes: the page shows the progress at the end instead.
            logger.info("Progress of job %s not written (database busy); not trying again", self.job.pk)
            self._disabled = True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
