"""The user's background jobs: the list, one job's page (polled by static/js/jobs.js), its status, its file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jobs.models import Job
from pskshub.scoping import get_visible_or_404, visible


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = visible(request.user, Job).filter(created_by=request.user)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = get_visible_or_404(request.user, Job, pk=pk)
    return render(request, "jobs/job_detail.html", {"job": job, "status": status_payload(job)})


@login_required
@require_GET
def job_status(request: HttpRequest, pk) -> JsonResponse:
    job = get_visible_or_404(request.user, Job, pk=pk)
    response = JsonResponse(status_payload(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk) -> FileResponse:
    job = get_visible_or_404(request.user, Job, pk=pk)
    if job.status != Job.Status.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_filename)
    response["Cache-Control"] = "private, no-store"
    return response


def status_payload(job: Job) -> dict:
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "error": job.error,
        "download_url": reverse("jobs:job_download", args=[job.pk])
        if job.status == Job.Status.DONE and job.result_file
        else "",
    }
