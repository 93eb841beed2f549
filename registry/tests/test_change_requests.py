"""Change requests in the staff admin: listed for the staff of the record's regency, approved or rejected there.

Requests are filed with `services.change_request_create` (the volunteer site files them the same way).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from registry import services
from registry.models import ChangeRequest, Person
from registry.tests.factories import LEBAK_VILLAGE, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:registry_changerequest_changelist")


def page_url(change_request: ChangeRequest) -> str:
    return reverse("admin:registry_changerequest_change", args=[change_request.pk])


def approve(client, change_request: ChangeRequest, **data):
    return client.post(page_url(change_request), {"decision": "approve", **data})


def reject(client, change_request: ChangeRequest, reason: str):
    return client.post(page_url(change_request), {"decision": "reject", "reason": reason})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def list_rows(response) -> list[str]:
    return re.findall(r'<tr[^>]*>\s*<th class="field-person[^"]*">.*?</tr>', response.text, re.S)


@pytest.fixture
def volunteer(db):
    return UserFactory(username="relawan-siti")


@pytest.fixture
def person(db):
    return PersonFactory(full_name="Siti Aminah", birth_date=dt.date(1985, 3, 12))


@pytest.fixture
def name_request(person, volunteer):
    """Siti asks to correct her name and birth date (Kota Serang)."""
    return services.change_request_create(
        record=person,
        requested_by=volunteer,
        new_values={"full_name": "Siti Aminah Rahmawati", "birth_date": dt.date(1985, 3, 21)},
        note="Sesuai KTP baru.",
    )


# --- the list -----------------------------------------------------------------------------------------------------


def test_list_shows_requests_in_scope_pending_first(client, serang_staff, name_request, volunteer):
    lebak_person = PersonFactory(full_name="Asep Lebak", village_code=LEBAK_VILLAGE)
    services.change_request_create(record=lebak_person, requested_by=volunteer, new_values={"full_name": "Asep L"})
    decided = services.change_request_create(
        record=PersonFactory(full_name="Budi Santoso"), requested_by=volunteer, new_values={"birth_place": "Cilegon"}
    )
    services.change_request_reject(change_request=decided, acting_user=serang_staff, reason="Tidak sesuai KTP.")
    newer = services.change_request_create(
        record=MembershipFactory(person=PersonFactory(full_name="Rina")),
        requested_by=volunteer,
        new_values={"decree_number": "SK-1/2024"},
    )
    client.force_login(serang_staff)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    rows = list_rows(response)
    assert len(rows) == 3  # not Lebak's
    assert "Asep Lebak" not in response.text
    # pending first (newest first among them), then the decided one, filed before Rina's
    names = [re.search(r"field-person[^>]*><a [^>]*>([^<]+)</a>", row).group(1) for row in rows]
    assert names == ["Rina", "Siti Aminah", "Budi Santoso"]
    assert page_url(newer) in rows[0]
    assert "Keanggotaan PSM" in rows[0]
    assert "nomor SK" in rows[0]
    assert "Data relawan" in rows[1]
    assert "nama lengkap, tanggal lahir" in rows[1]
    assert "relawan-siti" in rows[1]
    assert "menunggu" in rows[1]
    assert "ditolak" in rows[2]


def test_list_filters_by_status_and_regency(client, province_staff, name_request, volunteer):
    lebak_person = PersonFactory(full_name="Asep Lebak", village_code=LEBAK_VILLAGE)
    services.change_request_create(record=lebak_person, requested_by=volunteer, new_values={"full_name": "Asep L"})
    client.force_login(province_staff)

    assert len(list_rows(client.get(LIST_URL))) == 2
    lebak = client.get(LIST_URL, {"regency": "36.02"})
    assert len(list_rows(lebak)) == 1
    assert "Asep Lebak" in lebak.text
    assert len(list_rows(client.get(LIST_URL, {"status__exact": "approved"}))) == 0
    assert len(list_rows(client.get(LIST_URL, {"status__exact": "pending"}))) == 2


def test_list_query_count_does_not_grow_with_requests(client, province_staff, volunteer, django_assert_max_num_queries):
    def file(count):
        for _ in range(count):
            services.change_request_create(
                record=MembershipFactory(), requested_by=volunteer, new_values={"decree_number": "SK"}
            )
            services.change_request_create(record=PersonFactory(), requested_by=volunteer, new_values={"sex": "P"})

    client.force_login(province_staff)
    file(2)
    client.get(LIST_URL)
    with django_assert_max_num_queries(9) as few:
        client.get(LIST_URL)
    file(10)
    with django_assert_max_num_queries(9) as many:
        response = client.get(LIST_URL)
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(list_rows(response)) == 24


def test_no_add_and_no_delete(client, province_staff, name_request):
    client.force_login(province_staff)
    assert client.get(reverse("admin:registry_changerequest_add")).status_code == 403
    assert client.post(reverse("admin:registry_changerequest_delete", args=[name_request.pk])).status_code == 403
    assert ChangeRequest.objects.filter(pk=name_request.pk).exists()


# --- the change page ----------------------------------------------------------------------------------------------


def test_page_shows_the_field_by_field_difference_and_the_note(
    client, serang_staff, name_request, django_assert_max_num_queries
):
    client.force_login(serang_staff)
    client.get(page_url(name_request))
    with django_assert_max_num_queries(9):
        response = client.get(page_url(name_request))

    assert response.status_code == 200
    text = response.text
    assert re.search(r"Nama lengkap</td><td>Siti Aminah</td><td>&rarr;</td><td><strong>Siti Aminah Rahmawati", text)
    assert re.search(r"Tanggal lahir</td><td>12-03-1985</td><td>&rarr;</td><td><strong>21-03-1985", text)
    assert "Sesuai KTP baru." in text
    assert 'value="approve"' in text
    assert 'value="reject"' in text
    assert "changed-meanwhile" not in text  # nothing changed since it was filed


def test_approve_applies_all_fields_at_once(client, serang_staff, person, name_request):
    client.force_login(serang_staff)

    response = approve(client, name_request)

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert "Permintaan perubahan disetujui." in messages_of(response)
    person.refresh_from_db()
    assert (person.full_name, person.birth_date) == ("Siti Aminah Rahmawati", dt.date(1985, 3, 21))
    assert person.version == 2
    name_request.refresh_from_db()
    assert name_request.status == ChangeRequest.Status.APPROVED
    assert name_request.decided_by == serang_staff
    assert name_request.decided_at is not None
    change = person.history.latest()
    assert (change.history_type, change.history_user) == ("~", serang_staff)


def test_approve_a_membership_request_applies_the_decree(client, serang_staff, volunteer):
    membership = MembershipFactory()
    request = services.change_request_create(
        record=membership,
        requested_by=volunteer,
        new_values={"decree_number": "SK-12/DINSOS/2024", "decree_date": dt.date(2024, 2, 1)},
    )
    client.force_login(serang_staff)
    page = client.get(page_url(request))
    assert "Keanggotaan PSM" in page.text
    assert re.search(r"Tanggal SK</td><td>—</td><td>&rarr;</td><td><strong>01-02-2024", page.text)

    assert approve(client, request).status_code == 302

    membership.refresh_from_db()
    assert (membership.decree_number, membership.decree_date) == ("SK-12/DINSOS/2024", dt.date(2024, 2, 1))
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED


def test_approve_that_fails_validation_changes_nothing(client, serang_staff, person, volunteer):
    other = PersonFactory(full_name="Budi Santoso")
    request = services.change_request_create(
        record=person, requested_by=volunteer, new_values={"nik": other.nik, "full_name": "Siti A"}
    )
    client.force_login(serang_staff)

    response = approve(client, request)

    assert response.status_code == 200
    assert "Perubahan ini tidak dapat diterapkan" in response.text
    assert "NIK ini sudah terdaftar untuk relawan lain." in response.text
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Siti Aminah", 1)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


def test_reject_requires_a_reason(client, serang_staff, person, name_request):
    client.force_login(serang_staff)

    response = reject(client, name_request, "   ")

    assert response.status_code == 200
    assert "Tuliskan alasan penolakan; pemohon akan membacanya." in response.text
    name_request.refresh_from_db()
    assert name_request.status == ChangeRequest.Status.PENDING


def test_reject_keeps_the_reason_and_changes_nothing(client, serang_staff, person, name_request):
    client.force_login(serang_staff)

    response = reject(client, name_request, "Nama pada KTP tetap Siti Aminah.")

    assert response.status_code == 302
    assert "Permintaan perubahan ditolak." in messages_of(response)
    name_request.refresh_from_db()
    assert name_request.status == ChangeRequest.Status.REJECTED
    assert name_request.decision_reason == "Nama pada KTP tetap Siti Aminah."
    assert name_request.decided_by == serang_staff
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Siti Aminah", 1)
    page = client.get(page_url(name_request))
    assert "Nama pada KTP tetap Siti Aminah." in page.text
    assert 'value="approve"' not in page.text  # decided: read-only


def test_a_decided_request_cannot_be_decided_again(client, serang_staff, person, name_request):
    client.force_login(serang_staff)
    assert reject(client, name_request, "Tidak sesuai.").status_code == 302

    response = approve(client, name_request)

    assert response.status_code == 200
    assert "Permintaan ini sudah ditolak." in response.text
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"
    name_request.refresh_from_db()
    assert (name_request.status, name_request.decision_reason) == (ChangeRequest.Status.REJECTED, "Tidak sesuai.")


# --- stale requests -------------------------------------------------------------------------------------------------


@pytest.fixture
def stale_request(person, name_request, province_staff):
    """After Siti filed her request, provincial staff corrected her birth place."""
    person.birth_place = "Pandeglang"
    services.record_save(record=person, acting_user=province_staff, expected_version=person.version)
    return name_request


def test_stale_request_is_refused_and_shows_what_changed(client, serang_staff, person, stale_request):
    client.force_login(serang_staff)

    response = approve(client, stale_request)

    assert response.status_code == 200
    text = response.text
    assert "Data relawan sudah berubah sejak permintaan ini diajukan." in text
    assert 'id="changed-meanwhile"' in text
    assert "Terakhir diubah oleh provinsi" in text
    assert re.search(r"Tempat lahir</td><td>Serang</td><td>&rarr;</td><td>Pandeglang", text)
    assert "Saya sudah meninjau perubahan terbaru" in text
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"
    stale_request.refresh_from_db()
    assert stale_request.status == ChangeRequest.Status.PENDING


def test_stale_request_applies_after_the_confirmation(client, serang_staff, person, stale_request):
    client.force_login(serang_staff)
    page = client.get(page_url(stale_request))
    assert 'id="changed-meanwhile"' in page.text  # shown before any attempt, too
    reviewed = re.search(r'name="reviewed_version" value="(\d+)"', page.text).group(1)

    response = approve(client, stale_request, confirm_stale="on", reviewed_version=reviewed)

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.birth_place) == ("Siti Aminah Rahmawati", "Pandeglang")
    stale_request.refresh_from_db()
    assert stale_request.status == ChangeRequest.Status.APPROVED


def test_confirmation_covers_only_the_version_reviewed(client, serang_staff, province_staff, person, stale_request):
    client.force_login(serang_staff)
    reviewed = re.search(r'name="reviewed_version" value="(\d+)"', client.get(page_url(stale_request)).text).group(1)
    person.refresh_from_db()
    person.address = "Jl. Baru No. 9"
    services.record_save(record=person, acting_user=province_staff, expected_version=person.version)

    response = approve(client, stale_request, confirm_stale="on", reviewed_version=reviewed)

    assert response.status_code == 200
    assert "Jl. Baru No. 9" in response.text
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"


def test_confirmation_box_is_needed_for_a_stale_request(client, serang_staff, person, stale_request):
    client.force_login(serang_staff)
    reviewed = re.search(r'name="reviewed_version" value="(\d+)"', client.get(page_url(stale_request)).text).group(1)

    response = approve(client, stale_request, reviewed_version=reviewed)  # box not ticked

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"


# --- who may see and decide -------------------------------------------------------------------------------------------


def test_staff_of_another_regency_get_404_and_do_not_see_it(client, lebak_staff, person, name_request):
    client.force_login(lebak_staff)

    assert client.get(page_url(name_request)).status_code == 404
    assert approve(client, name_request).status_code == 404
    assert reject(client, name_request, "bukan wilayah saya").status_code == 404
    assert "Siti Aminah" not in client.get(LIST_URL).text
    name_request.refresh_from_db()
    assert name_request.status == ChangeRequest.Status.PENDING


def test_staff_who_filed_a_request_outside_their_regency_may_read_it_but_not_decide(client, lebak_staff, person):
    request = services.change_request_create(record=person, requested_by=lebak_staff, new_values={"full_name": "X"})
    client.force_login(lebak_staff)

    page = client.get(page_url(request))
    assert page.status_code == 200
    assert 'value="approve"' not in page.text
    assert approve(client, request).status_code == 403
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


@pytest.mark.parametrize("who", ["no_role_user", "anonymous"])
def test_no_role_and_anonymous_users_cannot_reach_it(client, request, person, name_request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for response in (client.get(page_url(name_request)), approve(client, name_request), client.get(LIST_URL)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"


def test_other_methods_are_not_allowed(client, serang_staff, name_request):
    client.force_login(serang_staff)
    assert client.put(page_url(name_request)).status_code == 405
    assert client.delete(page_url(name_request)).status_code == 405


def test_an_unknown_decision_changes_nothing(client, serang_staff, person, name_request):
    client.force_login(serang_staff)

    response = client.post(page_url(name_request), {"decision": "maybe"})

    assert response.status_code == 200
    assert "Pilih Setujui atau Tolak." in response.text
    name_request.refresh_from_db()
    assert name_request.status == ChangeRequest.Status.PENDING


def test_regency_staff_have_the_change_request_permissions(serang_staff, province_staff):
    for user in (serang_staff, province_staff):
        assert user.has_perm("registry.view_changerequest")
        assert user.has_perm("registry.change_changerequest")
        assert not user.has_perm("registry.add_changerequest")
        assert not user.has_perm("registry.delete_changerequest")


def test_person_model_is_unchanged_by_a_withdrawn_request(client, serang_staff, person, name_request, volunteer):
    services.change_request_withdraw(change_request=name_request, acting_user=volunteer)
    client.force_login(serang_staff)

    response = approve(client, name_request)

    assert response.status_code == 200
    assert "Permintaan ini sudah dibatalkan." in response.text
    assert Person.objects.get(pk=person.pk).full_name == "Siti Aminah"
