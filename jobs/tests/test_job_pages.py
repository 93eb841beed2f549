"""The job pages: the creator sees progress, error and download; everyone else gets 404."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_job(serang_staff):
    return Job.objects.create(
        kind="admin_export",
        created_by=serang_staff,
        status=Job.Status.RUNNING,
        progress_done=2500,
        progress_total=10000,
        message="Menulis baris",
        params={"title": "Unduh relawan (XLSX, 10000 baris)"},
    )


@pytest.fixture
def done_job(serang_staff):
    job = Job.objects.create(
        kind="admin_export", created_by=serang_staff, status=Job.Status.DONE, params={"filename": "relawan.csv"}
    )
    job.result_file.save("hasil.csv", ContentFile(b"NIK,Nama\r\n"), save=True)
    return job


def test_the_creator_sees_the_progress_bar_polled_by_a_static_script(client, serang_staff, running_job):
    client.force_login(serang_staff)
    response = client.get(reverse("jobs:job_detail", args=[running_job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unduh relawan (XLSX, 10000 baris)" in html
    assert "Sedang berjalan" in html
    assert 'class="progress' in html
    assert 'aria-valuenow="25"' in html
    assert "2500 dari 10000 baris (25%)" in html
    assert "Menulis baris" in html
    assert reverse("jobs:job_status", args=[running_job.pk]) in html
    assert "js/jobs.js" in html
    assert "<script>" not in html
    assert "style=" not in html


def test_the_status_url_reports_progress_as_json(client, serang_staff, running_job):
    client.force_login(serang_staff)
    data = client.get(reverse("jobs:job_status", args=[running_job.pk])).json()
    assert data["status"] == "running"
    assert data["percent"] == 25
    assert data["finished"] is False
    assert data["download_url"] == ""


def test_a_failed_job_shows_why(client, serang_staff):
    job = Job.objects.create(
        kind="admin_export", created_by=serang_staff, status=Job.Status.FAILED, error="Baris 3: NIK ganda."
    )
    client.force_login(serang_staff)
    html = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Penyebab gagal" in html
    assert "Baris 3: NIK ganda." in html
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_the_creator_downloads_the_result_through_the_checked_view(client, serang_staff, done_job):
    client.force_login(serang_staff)
    page = client.get(reverse("jobs:job_detail", args=[done_job.pk])).content.decode()
    url = reverse("jobs:job_download", args=[done_job.pk])
    assert url in page
    assert "Unduh relawan.csv" in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"NIK,Nama\r\n"
    assert 'filename="relawan.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["jobs:job_detail", "jobs:job_status", "jobs:job_download"])
def test_another_user_gets_404(client, lebak_staff, province_staff, done_job, name):
    for user in (lebak_staff, province_staff):
        client.force_login(user)
        assert client.get(reverse(name, args=[done_job.pk])).status_code == 404


def test_a_superuser_may_open_any_job(client, done_job):
    from registry.tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(reverse("jobs:job_detail", args=[done_job.pk])).status_code == 200


def test_the_list_shows_only_the_users_own_jobs(client, serang_staff, lebak_staff, running_job):
    other = Job.objects.create(kind="admin_export", created_by=lebak_staff, params={"title": "Punya Lebak"})
    client.force_login(serang_staff)
    html = client.get(reverse("jobs:job_list")).content.decode()
    assert running_job.get_absolute_url() in html
    assert other.get_absolute_url() not in html
    assert "Punya Lebak" not in html


def test_the_pages_refuse_other_methods(client, serang_staff, running_job):
    client.force_login(serang_staff)
    assert client.post(reverse("jobs:job_status", args=[running_job.pk])).status_code == 405
