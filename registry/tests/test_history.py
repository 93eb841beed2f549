"""History of registry records in the admin: who, when, and before → after for every create, change and delete.

The history pages start from the same scope as the change pages: out of scope is a 404, and a
deleted record's history stays reachable for the staff of its regency.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry import services
from registry.models import Institution, Membership, Person, PsksType, ServiceField, Verification
from registry.tests.factories import InstitutionFactory, MembershipFactory, PersonFactory
from registry.tests.test_lost_update import admin_form_data, change_url, person_data, rendered_version

pytestmark = pytest.mark.django_db


def history_url(record) -> str:
    return reverse(f"admin:registry_{record._meta.model_name}_history", args=[record.pk])


def history_rows(response) -> list[str]:
    body = response.text.split('<table id="change-history">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


def squash(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("&rarr;", "→").split())


def test_change_page_links_to_the_history(client, serang_staff):
    person = PersonFactory()
    client.force_login(serang_staff)
    assert history_url(person) in client.get(change_url(person)).text


def test_admin_create_and_change_are_listed_with_who_and_before_after(client, serang_staff, province_staff):
    client.force_login(serang_staff)
    template = PersonFactory.build(full_name="Dewi Lestari", birth_place="Serang")
    assert client.post(reverse("admin:registry_person_add"), person_data(template, None)).status_code == 302
    person = Person.objects.get(full_name="Dewi Lestari")
    client.force_login(province_staff)
    page = client.get(change_url(person))
    changed = person_data(person, rendered_version(page), full_name="Dewi Lestari Putri", birth_place="Cilegon")
    assert client.post(change_url(person), changed).status_code == 302

    response = client.get(history_url(person))

    assert response.status_code == 200
    newest, created = (squash(row) for row in history_rows(response))
    assert newest.startswith("2 ")
    assert "diubah provinsi" in newest
    assert "Nama lengkap: Dewi Lestari → Dewi Lestari Putri" in newest
    assert "Tempat lahir: Serang → Cilegon" in newest
    assert "Jenis kelamin" not in newest  # only what changed
    assert created.startswith("1 ")
    assert "dibuat kota-serang" in created
    assert "Nama lengkap: — → Dewi Lestari" in created
    assert "Jenis kelamin: — → laki-laki" in created  # choices as labels
    assert "Tanggal lahir: — → 12-03-1985" in created  # dates as dd-mm-yyyy
    assert "Desa/kelurahan: — → Cipocok Jaya" in created or "Desa/kelurahan: — →" in created


def test_admin_delete_is_recorded_and_its_history_stays_reachable(client, serang_staff, lebak_staff):
    person = PersonFactory(full_name="Akan Dihapus")
    membership = MembershipFactory(person=person)
    client.force_login(serang_staff)

    assert client.post(reverse("admin:registry_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 302

    assert not Person.objects.filter(pk=person.pk).exists()
    deleted = Person.history.filter(id=person.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", serang_staff)
    cascaded = Membership.history.filter(id=membership.pk).latest()
    assert (cascaded.history_type, cascaded.history_user) == ("-", serang_staff)

    response = client.get(history_url(person))
    assert response.status_code == 200
    assert "dihapus kota-serang" in squash(history_rows(response)[0])

    listing = client.get(reverse("admin:registry_person_deleted"))
    assert listing.status_code == 200
    assert "Akan Dihapus" in listing.text
    assert history_url(person) in listing.text
    memberships = client.get(reverse("admin:registry_membership_deleted"))
    assert "Akan Dihapus — PSM" in memberships.text

    client.force_login(lebak_staff)  # another regency's staff: neither the history nor the listing
    assert client.get(history_url(person)).status_code == 404
    assert "Akan Dihapus" not in client.get(reverse("admin:registry_person_deleted")).text


def test_changelist_links_to_the_deleted_records(client, serang_staff):
    client.force_login(serang_staff)
    response = client.get(reverse("admin:registry_institution_changelist"))
    assert reverse("admin:registry_institution_deleted") in response.text


def test_verification_action_is_recorded_with_the_acting_user(client, serang_staff):
    person = PersonFactory(verification=Verification.UNVERIFIED)
    client.force_login(serang_staff)

    client.post(
        reverse("admin:registry_person_changelist"), {"action": "mark_verified", "_selected_action": [person.pk]}
    )

    entry = person.history.latest()
    assert (entry.history_type, entry.history_user, entry.verification) == ("~", serang_staff, "verified")
    assert entry.version == 2
    row = squash(history_rows(client.get(history_url(person)))[0])
    assert "diubah kota-serang" in row
    assert "Verifikasi: belum diverifikasi → terverifikasi" in row


@pytest.mark.parametrize("model", [Membership, Institution])
def test_verification_of_memberships_and_institutions_is_recorded(client, serang_staff, model):
    record = (MembershipFactory if model is Membership else InstitutionFactory)(verification=Verification.UNVERIFIED)
    client.force_login(serang_staff)
    url = reverse(f"admin:registry_{model._meta.model_name}_changelist")

    client.post(url, {"action": "mark_rejected", "_selected_action": [record.pk]})

    entry = record.history.latest()
    assert (entry.history_user, entry.verification) == (serang_staff, Verification.REJECTED)
    row = squash(history_rows(client.get(history_url(record)))[0])
    assert "Verifikasi: belum diverifikasi → ditolak" in row


def test_membership_and_institution_changes_show_before_after(client, serang_staff):
    institution = InstitutionFactory(name="LKS Lama")
    membership = MembershipFactory(decree_number="")
    client.force_login(serang_staff)
    data = admin_form_data(client.get(change_url(institution))) | {"name": "LKS Harapan"}
    assert client.post(change_url(institution), data).status_code == 302
    data = admin_form_data(client.get(change_url(membership))) | {"decree_number": "SK-5/2024"}
    assert client.post(change_url(membership), data).status_code == 302

    assert "Nama lembaga: LKS Lama → LKS Harapan" in squash(history_rows(client.get(history_url(institution)))[0])
    assert "Nomor SK: — → SK-5/2024" in squash(history_rows(client.get(history_url(membership)))[0])


def test_institution_service_fields_changes_are_listed(client, serang_staff):
    institution = InstitutionFactory()
    first, second = ServiceField.objects.order_by("order", "code")[:2]
    client.force_login(serang_staff)
    data = admin_form_data(client.get(change_url(institution)))
    assert client.post(change_url(institution), data | {"service_fields": [first.pk]}).status_code == 302
    data = admin_form_data(client.get(change_url(institution)))
    assert client.post(change_url(institution), data | {"service_fields": [first.pk, second.pk]}).status_code == 302

    rows = [squash(row) for row in history_rows(client.get(history_url(institution)))]

    expected = f"Bidang pelayanan: {', '.join(sorted([first.name, second.name]))}"
    assert any(f"Bidang pelayanan: — → {first.name}" in row for row in rows), rows
    assert any(f"{first.name} → " in row and expected.split(": ")[1] in row for row in rows), rows


# --- scope ----------------------------------------------------------------------------------------------------------


def test_history_of_a_record_out_of_scope_is_a_404(client, lebak_staff):
    person = PersonFactory()
    membership = MembershipFactory(person=person)
    institution = InstitutionFactory()
    client.force_login(lebak_staff)

    for record in (person, membership, institution):
        assert client.get(history_url(record)).status_code == 404
        version_id = record.history.latest().history_id
        url = reverse(f"admin:registry_{record._meta.model_name}_simple_history", args=[record.pk, version_id])
        assert client.get(url).status_code == 404


def test_history_of_a_missing_record_is_a_404(client, serang_staff):
    client.force_login(serang_staff)
    assert client.get(reverse("admin:registry_person_history", args=[987654])).status_code == 404
    assert client.get(reverse("admin:registry_person_history", args=["abc"])).status_code == 404


def test_a_historical_version_can_be_viewed_but_not_reverted(client, serang_staff):
    person = PersonFactory(full_name="Versi Satu")
    first = person.history.latest()
    person.full_name = "Versi Dua"
    services.record_save(record=person, acting_user=serang_staff, expected_version=1)
    client.force_login(serang_staff)
    url = reverse("admin:registry_person_simple_history", args=[person.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Versi Satu"' in page.text

    assert client.post(url, person_data(person, 1, full_name="Versi Satu")).status_code == 405
    person.refresh_from_db()
    assert person.full_name == "Versi Dua"


@pytest.mark.parametrize("who", ["no_role_user", "anonymous"])
def test_history_is_closed_to_users_without_a_staff_role(client, request, who):
    person = PersonFactory()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(history_url(person))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- query counts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Person, Membership, Institution])
def test_history_page_query_count_does_not_grow_with_entries(client, province_staff, serang_staff, model):
    record = {Person: PersonFactory, Membership: MembershipFactory, Institution: InstitutionFactory}[model]()
    client.force_login(province_staff)
    url = history_url(record)

    def change(times: int) -> None:
        for i in range(times):
            record.refresh_from_db()
            record.verification = Verification.REJECTED if i % 2 else Verification.VERIFIED
            if model is Membership:
                record.psks_type = PsksType.objects.get(code="PSM" if i % 2 else "WPKS")
            services.record_save(record=record, acting_user=serang_staff, expected_version=record.version)

    change(2)
    client.get(url)  # warm the content-type cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    change(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(history_rows(response)) == 11
    assert len(few.captured_queries) == len(many.captured_queries), "\n".join(
        q["sql"][:150] for q in many.captured_queries
    )
    assert len(many.captured_queries) <= 11
