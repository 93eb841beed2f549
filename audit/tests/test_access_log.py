import pytest
from django.urls import reverse

from audit.models import AccessLog
from audit.services import log_access
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_log_access_records_user_record_and_address(rf, serang_staff):
    person = PersonFactory()
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = serang_staff
    log_access(request, AccessLog.Action.VIEW, person)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.username, entry.object_id, entry.ip_address) == (
        serang_staff,
        serang_staff.username,
        str(person.pk),
        "10.1.2.3",
    )
    assert entry.content_type.model == "person"


def test_province_staff_browse_and_filter_the_log(client, province_staff, serang_staff, rf):
    request = rf.get("/")
    request.user = serang_staff
    log_access(request, AccessLog.Action.EXPORT, model=AccessLog, row_count=12, detail="daftar kasus")
    log_access(request, AccessLog.Action.VIEW, PersonFactory(full_name="Siti Aminah"))
    client.force_login(province_staff)
    page = client.get(reverse("admin:audit_accesslog_changelist"), {"action": "export"})
    assert page.status_code == 200
    assert "daftar kasus" in page.text
    assert "Siti Aminah" not in page.text


def test_regency_staff_cannot_read_the_log(client, serang_staff, rf):
    request = rf.get("/")
    request.user = serang_staff
    entry = log_access(request, AccessLog.Action.VIEW, PersonFactory())
    client.force_login(serang_staff)
    assert client.get(reverse("admin:audit_accesslog_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_accesslog_change", args=[entry.pk])).status_code in (403, 404)
