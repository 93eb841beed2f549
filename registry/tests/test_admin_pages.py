"""The staff admin as provincial staff see it: every page renders, in a bounded number of queries,
persons are listed with a masked NIK yet found by it, filters and the verification action work."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Institution, Membership, Person, PsksType, ServiceField, Verification
from registry.nik import mask_nik
from registry.tests.factories import LEBAK_VILLAGE, InstitutionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Another real village of Kota Serang, in another kecamatan (Kec. Serang).
SERANG_KECAMATAN_SERANG_VILLAGE = "36.73.01.1002"


def result_rows(response) -> int:
    """Rows of a changelist, as the user sees them: one selection checkbox per row."""
    return response.text.count('name="_selected_action"')


def filter_link(response, label: str) -> str:
    """The query string of the filter link showing `label` in the changelist's filter panel."""
    match = re.search(r'<a href="(\?[^"]*)"[^>]*>\s*' + re.escape(html.escape(label)) + r"\s*</a>", response.text)
    assert match, f"no filter link {label!r} on the page"
    return html.unescape(match.group(1))


def registry_rows(count: int) -> None:
    """`count` persons (each with a PSM membership) and `count` institutions, in Kota Serang."""
    for _ in range(count):
        MembershipFactory()
        InstitutionFactory()


# --- every page renders, with a bounded number of queries -------------------------------------------------


@pytest.fixture
def admin_objects(serang_staff):
    membership = MembershipFactory(institution=InstitutionFactory())
    return {
        "person": membership.person.pk,
        "membership": membership.pk,
        "institution": membership.institution_id,
        "pskstype": "PSM",
        "servicefield": ServiceField.objects.order_by("pk").values_list("pk", flat=True).first(),
        "province": "36",
        "regency": "36.73",
        "district": "36.73.05",
        "village": "36.73.05.1001",
        "user": serang_staff.pk,
    }


# (app_label, model_name, max queries for: changelist, add view (None: adding not allowed), change view).
# Measured with a cold content-type cache, plus one. The fixed part: session, user, roles, 2 permission reads.
ADMIN_PAGES = [
    ("registry", "person", 12, 9, 13),
    ("registry", "membership", 11, 8, 11),
    ("registry", "institution", 11, 11, 14),
    ("registry", "pskstype", 8, None, 8),
    ("registry", "servicefield", 8, None, 8),
    ("regions", "province", 8, None, 8),
    ("regions", "regency", 8, None, 9),
    ("regions", "district", 9, None, 8),
    ("regions", "village", 9, None, 8),
    ("accounts", "user", 10, 7, 10),
]


@pytest.mark.parametrize(("app_label", "model_name", "max_changelist", "max_add", "max_change"), ADMIN_PAGES)
def test_admin_pages_render_for_province_staff_in_bounded_queries(
    client,
    province_staff,
    admin_objects,
    django_assert_max_num_queries,
    app_label,
    model_name,
    max_changelist,
    max_add,
    max_change,
):
    registry_rows(5)
    client.force_login(province_staff)

    with django_assert_max_num_queries(max_changelist):
        response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200

    if max_add is None:
        assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403
    else:
        with django_assert_max_num_queries(max_add):
            response = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
        assert response.status_code == 200

    with django_assert_max_num_queries(max_change):
        response = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[admin_objects[model_name]]))
    assert response.status_code == 200


def test_admin_index_lists_the_registry_for_province_staff(client, province_staff, django_assert_max_num_queries):
    client.force_login(province_staff)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("admin:registry_person_changelist") in response.text
    assert reverse("admin:accounts_user_changelist") in response.text


def _summary(queries: list[str]) -> str:
    return "\n".join(q[:120] for q in queries)


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("model_name", ["person", "membership", "institution"])
def test_changelist_query_count_does_not_grow_with_rows(client, province_staff, model_name):
    url = reverse(f"admin:registry_{model_name}_changelist")
    client.force_login(province_staff)
    registry_rows(3)
    client.get(url)  # warm the per-process caches (content types)

    with_3 = _queries(client, url)
    registry_rows(27)
    with_30 = _queries(client, url)

    assert len(with_3) == len(with_30), _summary(with_30)
    assert result_rows(client.get(url)) == 30


def test_person_change_view_query_count_does_not_grow_with_memberships(client, province_staff):
    person = PersonFactory()
    MembershipFactory(person=person)
    url = reverse("admin:registry_person_change", args=[person.pk])
    client.force_login(province_staff)
    client.get(url)

    with_1 = _queries(client, url)
    MembershipFactory(person=person, psks_type=PsksType.objects.get(code="TKSK"), district_id="36.73.05")
    MembershipFactory(person=person, psks_type=PsksType.objects.get(code="TAGANA"), regency_id="36.73")
    MembershipFactory(person=person, psks_type=PsksType.objects.get(code="WPKS"))
    with_4 = _queries(client, url)

    assert len(with_1) == len(with_4), _summary(with_4)
    page = client.get(url).text  # each row still shows its own values
    assert '<option value="TKSK" selected>' in page
    assert '<option value="36.73.05" selected>Cipocok Jaya</option>' in page
    assert page.count('<option value="36.73" selected>Kota Serang</option>') == 4


def test_person_change_form_saves_with_its_membership_rows(client, province_staff):
    person = PersonFactory(full_name="Nama Lama")
    membership = MembershipFactory(person=person, psks_type=PsksType.objects.get(code="TKSK"), district_id="36.73.05")
    client.force_login(province_staff)

    response = client.post(
        reverse("admin:registry_person_change", args=[person.pk]),
        {
            "nik": person.nik,
            "full_name": "  Nama   Baru ",
            "sex": person.sex,
            "birth_place": person.birth_place,
            "birth_date": person.birth_date.isoformat(),
            "village": person.village_id,
            "address": person.address,
            "status": Person.Status.ACTIVE,
            "verification": Verification.VERIFIED,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-person": person.pk,
            "memberships-0-psks_type": "TKSK",
            "memberships-0-district": "36.73.05",
            "memberships-0-regency": "36.73",
            "memberships-0-position": "Koordinator",
            "memberships-0-start_date": membership.start_date.isoformat(),
            "memberships-0-status": Membership.Status.ACTIVE,
            "memberships-0-verification": Verification.VERIFIED,
        },
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.full_name == "Nama Baru"
    assert membership.position == "Koordinator"


def test_institution_change_view_query_count_does_not_grow_with_members(client, province_staff):
    institution = InstitutionFactory()
    lks = institution.psks_type
    MembershipFactory(institution=institution, psks_type=lks)
    url = reverse("admin:registry_institution_change", args=[institution.pk])
    client.force_login(province_staff)
    client.get(url)

    with_1 = _queries(client, url)
    for _ in range(9):
        MembershipFactory(institution=institution, psks_type=lks)
    with_10 = _queries(client, url)

    assert len(with_1) == len(with_10), _summary(with_10)
    assert response_members(client, url) == 10


def response_members(client, url: str) -> int:
    """Membership rows shown in the institution's roster inline."""
    return len(re.findall(r'name="memberships-\d+-id"', client.get(url).text))


def test_user_change_view_query_count_does_not_grow_with_roles(client, province_staff, serang_staff):
    from accounts.models import RoleAssignment

    url = reverse("admin:accounts_user_change", args=[serang_staff.pk])
    client.force_login(province_staff)
    client.get(url)

    with_1 = _queries(client, url)
    RoleAssignment.objects.create(user=serang_staff, role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.02")
    RoleAssignment.objects.create(user=serang_staff, role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.04")
    with_3 = _queries(client, url)

    assert len(with_1) == len(with_3), _summary(with_3)


# --- persons: masked NIK, search ------------------------------------------------------------------------------


@pytest.fixture
def persons():
    siti = PersonFactory.female(full_name="Siti Aminah", birth_date=dt.date(1990, 7, 1))
    budi = PersonFactory(full_name="Budi Santoso")
    lebak = PersonFactory(full_name="Asep Lebak", village_code=LEBAK_VILLAGE)
    return {"siti": siti, "budi": budi, "lebak": lebak}


def test_person_changelist_shows_nik_masked_never_in_full(client, province_staff, persons):
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_person_changelist"))

    assert response.status_code == 200
    for person in persons.values():
        masked = mask_nik(person.nik)
        assert masked == person.nik[:4] + "••••••••" + person.nik[-4:]
        assert masked in response.text
        assert person.nik not in response.text
        assert person.nik[4:12] not in response.text  # the birth date part


def test_membership_changelist_shows_nik_masked(client, province_staff, persons):
    MembershipFactory(person=persons["siti"])
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_membership_changelist"))

    assert mask_nik(persons["siti"].nik) in response.text
    assert persons["siti"].nik not in response.text


def test_person_search_by_full_nik_finds_exactly_that_person(client, province_staff, persons):
    client.force_login(province_staff)
    nik = persons["siti"].nik
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"

    for term in (nik, spaced):
        response = client.get(reverse("admin:registry_person_changelist"), {"q": term})
        assert result_rows(response) == 1
        assert "Siti Aminah" in response.text
        assert "Budi Santoso" not in response.text


def test_person_search_by_nik_prefix_finds_the_kecamatan(client, province_staff, persons):
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_person_changelist"), {"q": persons["siti"].nik[:6]})

    assert result_rows(response) == 2
    assert "Siti Aminah" in response.text
    assert "Budi Santoso" in response.text
    assert "Asep Lebak" not in response.text


def test_person_search_by_name_word(client, province_staff, persons):
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_person_changelist"), {"q": "aminah"})

    assert result_rows(response) == 1
    assert "Siti Aminah" in response.text
    assert "Budi Santoso" not in response.text


def test_person_search_by_unknown_nik_finds_nothing(client, province_staff, persons):
    client.force_login(province_staff)
    nik = persons["siti"].nik
    other = nik[:-4] + ("0000" if nik[-4:] != "0000" else "0001")
    response = client.get(reverse("admin:registry_person_changelist"), {"q": other})

    assert result_rows(response) == 0


def test_membership_search_by_full_nik(client, province_staff, persons):
    MembershipFactory(person=persons["siti"])
    MembershipFactory(person=persons["budi"])
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_membership_changelist"), {"q": persons["budi"].nik})

    assert result_rows(response) == 1
    assert "Budi Santoso" in response.text


# --- filters --------------------------------------------------------------------------------------------------


@pytest.fixture
def filter_data():
    tksk = PsksType.objects.get(code="TKSK")
    MembershipFactory(person=PersonFactory(full_name="Psm Cipocok"))
    MembershipFactory(person=PersonFactory(full_name="Tksk Cipocok"), psks_type=tksk, district_id="36.73.05")
    MembershipFactory(
        person=PersonFactory(full_name="Tksk Serang", village_code=SERANG_KECAMATAN_SERANG_VILLAGE),
        psks_type=tksk,
        district_id="36.73.01",
    )
    MembershipFactory(person=PersonFactory(full_name="Psm Lebak", village_code=LEBAK_VILLAGE))
    PersonFactory(
        full_name="Tidak Aktif",
        status=Person.Status.INACTIVE,
        status_date=dt.date(2024, 1, 5),
        status_reason="pindah tugas",
    )


def test_person_filter_by_psks_type(client, province_staff, filter_data):
    client.force_login(province_staff)
    url = reverse("admin:registry_person_changelist")
    page = client.get(url)
    assert result_rows(page) == 5

    response = client.get(url + filter_link(page, str(PsksType.objects.get(code="TKSK"))))

    assert result_rows(response) == 2
    assert "Tksk Cipocok" in response.text
    assert "Tksk Serang" in response.text


def test_person_filter_by_regency_then_district(client, province_staff, filter_data):
    client.force_login(province_staff)
    url = reverse("admin:registry_person_changelist")

    by_regency = client.get(url + filter_link(client.get(url), "Kota Serang"))
    assert result_rows(by_regency) == 4
    assert "Psm Lebak" not in by_regency.text

    by_district = client.get(url + filter_link(by_regency, "Cipocok Jaya"))
    assert result_rows(by_district) == 3  # Psm Cipocok, Tksk Cipocok, Tidak Aktif
    assert "Tksk Serang" not in by_district.text

    lebak = client.get(url, {"regency": "36.02"})
    assert result_rows(lebak) == 1
    assert "Psm Lebak" in lebak.text

    # switching kabupaten/kota from the Cipocok Jaya list drops that kecamatan instead of showing nothing
    switched = client.get(url + filter_link(by_district, "Kabupaten Lebak"))
    assert result_rows(switched) == 1
    assert "Psm Lebak" in switched.text


def test_person_district_filter_applies_without_regency_in_url(client, province_staff, filter_data):
    """A kecamatan in the address is never silently ignored (e.g. after the regency filter was cleared)."""
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_person_changelist"), {"district": "36.73.01"})

    assert result_rows(response) == 1
    assert "Tksk Serang" in response.text


def test_person_filter_by_status(client, province_staff, filter_data):
    client.force_login(province_staff)
    url = reverse("admin:registry_person_changelist")
    response = client.get(url + filter_link(client.get(url), str(Person.Status.INACTIVE.label)))

    assert result_rows(response) == 1
    assert "Tidak Aktif" in response.text


def test_membership_filter_by_psks_type_and_district(client, province_staff, filter_data):
    client.force_login(province_staff)
    url = reverse("admin:registry_membership_changelist")
    assert result_rows(client.get(url, {"psks_type__code__exact": "TKSK"})) == 2
    assert result_rows(client.get(url, {"regency": "36.73", "district": "36.73.01"})) == 1


def test_institution_filter_by_regency_and_type(client, province_staff):
    InstitutionFactory(name="LKS Serang")
    InstitutionFactory(
        name="Karang Taruna Lebak", psks_type=PsksType.objects.get(code="KT"), village_code=LEBAK_VILLAGE
    )
    client.force_login(province_staff)
    url = reverse("admin:registry_institution_changelist")

    assert result_rows(client.get(url)) == 2
    lebak = client.get(url, {"regency": "36.02"})
    assert result_rows(lebak) == 1
    assert "Karang Taruna Lebak" in lebak.text
    assert result_rows(client.get(url, {"psks_type__code__exact": "LKS"})) == 1


# --- autocomplete ------------------------------------------------------------------------------------------------


def test_person_autocomplete_for_membership_finds_the_person(client, province_staff, persons):
    client.force_login(province_staff)
    url = reverse("admin:autocomplete")
    params = {"app_label": "registry", "model_name": "membership", "field_name": "person"}

    by_name = client.get(url, {**params, "term": "Siti"}).json()
    assert by_name["results"] == [{"id": str(persons["siti"].pk), "text": "Siti Aminah"}]

    by_nik = client.get(url, {**params, "term": persons["lebak"].nik}).json()
    assert by_nik["results"] == [{"id": str(persons["lebak"].pk), "text": "Asep Lebak"}]


# --- verification action -------------------------------------------------------------------------------------------


def test_verify_action_marks_selected_persons_verified_by_the_acting_user(client, province_staff):
    first = PersonFactory(full_name="Satu", verification=Verification.UNVERIFIED)
    second = PersonFactory(full_name="Dua", verification=Verification.UNVERIFIED)
    untouched = PersonFactory(full_name="Tiga", verification=Verification.UNVERIFIED)
    client.force_login(province_staff)

    response = client.post(
        reverse("admin:registry_person_changelist"),
        {"action": "mark_verified", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 data diverifikasi." in response.text
    for person in (first, second):
        person.refresh_from_db()
        assert person.verification == Verification.VERIFIED
        assert person.verified_by == province_staff
        assert person.verified_at is not None
    untouched.refresh_from_db()
    assert untouched.verification == Verification.UNVERIFIED
    assert untouched.verified_by is None


def test_verify_action_works_on_a_filtered_changelist(client, province_staff):
    """A filter through memberships makes the queryset distinct; the update must still work."""
    member = MembershipFactory(person=PersonFactory(verification=Verification.UNVERIFIED)).person
    client.force_login(province_staff)

    response = client.post(
        reverse("admin:registry_person_changelist") + "?memberships__psks_type__code__exact=PSM",
        {"action": "mark_verified", "_selected_action": [member.pk]},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.verification == Verification.VERIFIED
    assert member.verified_by == province_staff


@pytest.mark.parametrize("model", [Membership, Institution])
def test_verify_and_reject_actions_on_memberships_and_institutions(client, province_staff, model):
    record = (
        MembershipFactory(verification=Verification.UNVERIFIED)
        if model is Membership
        else InstitutionFactory(verification=Verification.UNVERIFIED)
    )
    client.force_login(province_staff)
    url = reverse(f"admin:registry_{model._meta.model_name}_changelist")

    client.post(url, {"action": "mark_verified", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert (record.verification, record.verified_by) == (Verification.VERIFIED, province_staff)

    client.post(url, {"action": "mark_rejected", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert (record.verification, record.verified_by) == (Verification.REJECTED, province_staff)


def test_person_page_lists_the_events_and_trainings_attended(client, province_staff):
    from forums.tests.factories import EventFactory, ParticipationFactory

    person = PersonFactory(full_name="Peserta Bimtek")
    ParticipationFactory(event=EventFactory(title="Bimtek Pendamping Lansia"), person=person)
    client.force_login(province_staff)

    response = client.get(reverse("admin:registry_person_change", args=[person.pk]))

    assert "Kegiatan dan pelatihan yang diikuti" in response.text
    assert "Bimtek Pendamping Lansia" in response.text
