"""Background imports: the preview and the commit of a large file, run by the jobs app."""

from __future__ import annotations

from jobs.registry import job_handler
from jobs.services import JobError
from transfers import services
from transfers.models import ImportBatch


def _batch(job) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=job.params.get("batch"), created_by=job.created_by).first()
    if batch is None:
        raise JobError("Berkas impor tidak ditemukan.")
    return batch


@job_handler(services.JOB_PREVIEW)
def import_preview(job, progress) -> dict:
    batch = services.run_preview(_batch(job), progress)
    counts = batch.counts
    return {"batch": str(batch.pk), "status": batch.status, "counts": counts, "message": batch.message or ""}


@job_handler(services.JOB_COMMIT)
def import_commit(job, progress) -> dict:
    """Runs in the job's transaction: an error anywhere rolls every row back and the job shows why."""
    batch = _batch(job)
    try:
        services.run_commit(batch, progress)
    except services.ImportRefused as exc:
        raise JobError(exc.message) from None
    return {"batch": str(batch.pk), "written": batch.summary.get("written", {})}
