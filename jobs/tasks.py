"""The one task of the jobs app: run a saved job (`jobs.services.run`)."""

from __future__ import annotations

from django.tasks import task

from jobs import services


@task()
def run_job(job_id: str) -> None:
    services.run(job_id)
