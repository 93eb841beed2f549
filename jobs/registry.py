"""The kinds of background job and their handlers.

    from jobs.registry import job_handler

    @job_handler("import_persons")
    def import_persons(job, progress) -> dict:
        rows = read_rows(job.input_file)          # job.params, job.input_file, job.created_by are there
        for i, row in enumerate(rows, 1):
            save(row)
            progress(i, len(rows), gettext("Menyimpan baris"))   # cheap: written at most every ~0.5 s
        return {"created": len(rows), "message": gettext("%d relawan diimpor.") % len(rows)}  # job.result (JSON);
                                                  # "message" is shown on the job's page when done

The handler runs inside one transaction (`atomic=True`, the default): if it raises, nothing it wrote
is kept and the job is marked failed. Raise `jobs.services.JobError("…")` (or a ValidationError) with
a message for the user; any other exception is shown as an unexpected error and logged with its
traceback. A handler that only reads (an export) registers with `atomic=False`.

To hand back a file, save it on the job without saving the job: `job.result_file.save(name, file, save=False)`;
the runner saves the job once the handler has returned. Never call `job.save()` in a handler.

Put handlers in `<app>/job_handlers.py` (imported at start-up by the jobs app in the web process and in
the worker) or in a module imported at start-up anyway (e.g. an app's admin.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[..., dict | None]


@dataclass(frozen=True)
class Registered:
    func: Handler
    atomic: bool


_HANDLERS: dict[str, Registered] = {}


def job_handler(kind: str, *, atomic: bool = True) -> Callable[[Handler], Handler]:
    """Register `handler(job, progress) -> dict` for jobs of this kind."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = Registered(func=func, atomic=atomic)
        return func

    return register


def get_handler(kind: str) -> Registered | None:
    return _HANDLERS.get(kind)


def is_registered(kind: str) -> bool:
    return kind in _HANDLERS
