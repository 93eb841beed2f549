"""No lost updates in the admin: a save based on an older version of a record is refused, with what changed.

Two officers open the same record; the first save wins, the second is shown the form again with
who changed what (old → new) and nothing of it is saved. The same holds for an approved change
request, for membership rows edited in a person's inline, and for a row deleted there.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry import services
from registry.models import Institution, Membership, Person, Verification
from registry.tests.factories import InstitutionFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def rendered_version(response, name: str = "expected_version") -> int:
    """The version the change page carries in its hidden field."""
    match = re.search(rf'name="{re.escape(name)}" value="(\d+)"', response.text)
    assert match, f"no hidden {name} on the page"
    return int(match.group(1))


def person_data(person: Person, version: int | None, memberships: list[dict] | None = None, **changes) -> dict:
    """The person change form as the browser posts it (membership rows given as dicts of their fields)."""
    data = {
        "nik": person.nik,
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "village": person.village_id,
        "address": person.address,
        "status": person.status,
        "verification": person.verification,
        "expected_version": "" if version is None else str(version),
        **changes,
    }
    rows = memberships or []
    data |= {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"memberships-{i}-{key}": value for key, value in row.items()}
    return data


def membership_row(membership: Membership, version: int, **changes) -> dict:
    return {
        "id": membership.pk,
        "person": membership.person_id,
        "psks_type": membership.psks_type_id,
        "regency": membership.regency_id,
        "start_date": membership.start_date.isoformat(),
        "status": membership.status,
        "verification": membership.verification,
        "expected_version": str(version),
        **changes,
    }


def admin_form_data(page) -> dict:
    """The main form of a change page as rendered, with empty inlines: what a browser posts unchanged."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, list | tuple) else value
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def change_url(record) -> str:
    return reverse(f"admin:registry_{record._meta.model_name}_change", args=[record.pk])


def page_errors(response) -> str:
    return response.text if response.status_code == 200 else ""


# --- two officers -------------------------------------------------------------------------------------------------


def test_second_officer_is_refused_with_what_the_first_changed(client, serang_staff, province_staff):
    person = PersonFactory(full_name="Siti Aminah", birth_place="Serang")
    officer_a, officer_b = client, client.__class__()
    officer_a.force_login(serang_staff)
    officer_b.force_login(province_staff)
    version_a = rendered_version(officer_a.get(change_url(person)))
    version_b = rendered_version(officer_b.get(change_url(person)))
    assert version_a == version_b == person.version

    saved = officer_a.post(change_url(person), person_data(person, version_a, full_name="Siti Aminah Rahmawati"))
    assert saved.status_code == 302
    refused = officer_b.post(change_url(person), person_data(person, version_b, birth_place="Pandeglang"))

    assert refused.status_code == 200
    text = refused.text
    assert "diubah oleh kota-serang" in text
    assert "nama lengkap: Siti Aminah → Siti Aminah Rahmawati" in text
    assert 'value="Pandeglang"' in text  # the officer's own input is kept on the page
    person.refresh_from_db()
    assert (person.full_name, person.birth_place) == ("Siti Aminah Rahmawati", "Serang")
    assert person.version == version_a + 1


def test_save_again_after_a_successful_save_uses_the_new_version(client, serang_staff):
    person = PersonFactory(full_name="Budi")
    client.force_login(serang_staff)

    first = rendered_version(client.get(change_url(person)))
    assert client.post(change_url(person), person_data(person, first, full_name="Budi S")).status_code == 302
    second = rendered_version(client.get(change_url(person)))
    assert second == first + 1
    assert client.post(change_url(person), person_data(person, second, full_name="Budi Santoso")).status_code == 302

    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Budi Santoso", first + 2)


def test_officer_is_refused_after_a_change_request_was_approved_meanwhile(client, serang_staff, province_staff):
    person = PersonFactory(full_name="Nama Lama")
    client.force_login(serang_staff)
    version = rendered_version(client.get(change_url(person)))

    volunteer = UserFactory()
    request = services.change_request_create(
        record=person, requested_by=volunteer, new_values={"full_name": "Nama Dari Permintaan"}
    )
    services.change_request_approve(change_request=request, acting_user=province_staff)
    response = client.post(change_url(person), person_data(person, version, address="Jl. Baru 5"))

    assert response.status_code == 200
    assert "diubah oleh provinsi" in response.text
    assert "nama lengkap: Nama Lama → Nama Dari Permintaan" in response.text
    person.refresh_from_db()
    assert (person.full_name, person.address) == ("Nama Dari Permintaan", "Jl. Uji No. 1, RT 01/RW 02")


@pytest.mark.parametrize("factory", [InstitutionFactory, MembershipFactory])
def test_institution_and_membership_change_pages_refuse_a_stale_save(client, serang_staff, province_staff, factory):
    record = factory()
    client.force_login(serang_staff)
    page = client.get(change_url(record))
    version = rendered_version(page)
    data = admin_form_data(page)

    record.verification = Verification.REJECTED
    services.record_save(record=record, acting_user=province_staff, expected_version=version)
    response = client.post(change_url(record), data)

    assert response.status_code == 200
    assert "diubah oleh provinsi" in response.text
    assert "verifikasi: terverifikasi → ditolak" in response.text
    record.refresh_from_db()
    assert record.version == version + 1


def test_a_save_through_the_admin_bumps_the_version_and_names_the_officer(client, serang_staff):
    institution = InstitutionFactory(name="LKS Lama")
    client.force_login(serang_staff)
    data = admin_form_data(client.get(change_url(institution))) | {"name": "LKS Baru"}

    assert client.post(change_url(institution), data).status_code == 302

    institution.refresh_from_db()
    assert (institution.name, institution.version) == ("LKS Baru", 2)
    assert institution.history.latest().history_user == serang_staff


# --- membership rows in the person's inline -------------------------------------------------------------------------


@pytest.fixture
def person_with_membership():
    person = PersonFactory(full_name="Rina")
    return person, MembershipFactory(person=person, position="Anggota")


def test_inline_membership_row_changed_meanwhile_is_refused(
    client, serang_staff, province_staff, person_with_membership
):
    person, membership = person_with_membership
    client.force_login(serang_staff)
    page = client.get(change_url(person))
    person_version = rendered_version(page)
    row_version = rendered_version(page, "memberships-0-expected_version")

    membership.decree_number = "SK-99/2024"
    services.record_save(record=membership, acting_user=province_staff, expected_version=row_version)
    response = client.post(
        change_url(person),
        person_data(
            person,
            person_version,
            [membership_row(membership, row_version, position="Ketua")],
            full_name="Rina Marlina",
        ),
    )

    assert response.status_code == 200
    assert "nomor SK: — → SK-99/2024" in response.text
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.full_name == "Rina"  # nothing of the refused save is kept, the person included
    assert (membership.position, membership.decree_number) == ("Anggota", "SK-99/2024")


def test_inline_membership_row_deleted_after_a_change_meanwhile_is_refused(
    client, serang_staff, province_staff, person_with_membership
):
    person, membership = person_with_membership
    client.force_login(serang_staff)
    page = client.get(change_url(person))
    row_version = rendered_version(page, "memberships-0-expected_version")

    membership.position = "Sekretaris"
    services.record_save(record=membership, acting_user=province_staff, expected_version=row_version)
    response = client.post(
        change_url(person),
        person_data(person, rendered_version(page), [membership_row(membership, row_version, DELETE="on")]),
    )

    assert response.status_code == 200
    assert "jabatan dalam unit: Anggota → Sekretaris" in response.text
    assert "diubah oleh provinsi" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_inline_membership_rows_save_with_their_versions(client, serang_staff, person_with_membership):
    person, membership = person_with_membership
    client.force_login(serang_staff)
    page = client.get(change_url(person))

    response = client.post(
        change_url(person),
        person_data(
            person,
            rendered_version(page),
            [membership_row(membership, rendered_version(page, "memberships-0-expected_version"), position="Ketua")],
        ),
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.position, membership.version) == ("Ketua", 2)
    assert membership.history.latest().history_user == serang_staff


def test_inline_membership_row_is_deleted_with_history(client, serang_staff, person_with_membership):
    person, membership = person_with_membership
    client.force_login(serang_staff)
    page = client.get(change_url(person))
    row = membership_row(membership, rendered_version(page, "memberships-0-expected_version"), DELETE="on")

    assert client.post(change_url(person), person_data(person, rendered_version(page), [row])).status_code == 302

    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = Membership.history.filter(id=membership.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", serang_staff)


# --- the locked check behind the form's check ------------------------------------------------------------------------


def test_a_change_slipping_in_after_the_form_check_is_refused_and_nothing_saved(
    client, serang_staff, province_staff, person_with_membership, monkeypatch
):
    """The form's check is a hint; `record_save` checks again under the row lock inside the admin's transaction."""
    person, membership = person_with_membership
    client.force_login(serang_staff)
    page = client.get(change_url(person))
    version = rendered_version(page)
    row_version = rendered_version(page, "memberships-0-expected_version")
    fresh = Person.objects.get(pk=person.pk)
    fresh.full_name = "Rina Dari Petugas Lain"
    services.record_save(record=fresh, acting_user=province_staff, expected_version=version)

    monkeypatch.setattr(services, "record_check_version", lambda **kwargs: None)  # as if it ran just before
    response = client.post(
        change_url(person),
        person_data(person, version, [membership_row(membership, row_version, position="Ketua")], address="Jl. X"),
    )

    assert response.status_code == 302
    assert response.url == change_url(person)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("nama lengkap: Rina → Rina Dari Petugas Lain" in m for m in messages), messages
    person.refresh_from_db()
    membership.refresh_from_db()
    assert (person.full_name, person.address) == ("Rina Dari Petugas Lain", "Jl. Uji No. 1, RT 01/RW 02")
    assert membership.position == "Anggota"  # the inline rows of the refused save were rolled back too


def test_old_forms_without_a_version_still_save(client, serang_staff):
    """A post without `expected_version` (not from our form) is not compared, only saved with a bumped version."""
    person = PersonFactory()
    client.force_login(serang_staff)

    assert client.post(change_url(person), person_data(person, None, full_name="Tanpa Versi")).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Tanpa Versi", 2)


def test_admin_add_creates_version_one_with_history(client, serang_staff):
    client.force_login(serang_staff)
    template = PersonFactory.build(full_name="Baru Sekali")
    response = client.post(reverse("admin:registry_person_add"), person_data(template, None))

    assert response.status_code == 302, page_errors(response)
    person = Person.objects.get(full_name="Baru Sekali")
    assert person.version == 1
    created = person.history.get()
    assert (created.history_type, created.history_user) == ("+", serang_staff)


def test_institution_admin_delete_is_recorded(client, serang_staff):
    institution = InstitutionFactory()
    client.force_login(serang_staff)
    url = reverse("admin:registry_institution_delete", args=[institution.pk])

    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not Institution.objects.filter(pk=institution.pk).exists()
    assert Institution.history.filter(id=institution.pk, history_type="-").get().history_user == serang_staff
