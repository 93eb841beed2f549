"""Who sees what: regency staff see their kabupaten/kota only, through every door of the admin;
users without a role and visitors see nothing; a model without a rule shows nothing to anyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pskshub.scoping import has_rule, visible
from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.nik import MALE, build_nik
from registry.tests.factories import (
    LEBAK_VILLAGE,
    SERANG_VILLAGE,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def result_rows(response) -> int:
    return response.text.count('name="_selected_action"')


@pytest.fixture
def records():
    """The same kinds of records in Kota Serang and in Kabupaten Lebak."""
    serang_person = PersonFactory(full_name="Ujang Serang")
    lebak_person = PersonFactory(full_name="Asep Lebak", village_code=LEBAK_VILLAGE)
    serang_lks = InstitutionFactory(name="LKS Kota Serang")
    lebak_lks = InstitutionFactory(name="LKS Kabupaten Lebak", village_code=LEBAK_VILLAGE)
    return {
        "serang_person": serang_person,
        "lebak_person": lebak_person,
        "serang_institution": serang_lks,
        "lebak_institution": lebak_lks,
        "serang_membership": MembershipFactory(person=serang_person, membership_number="KTA-SERANG"),
        "lebak_membership": MembershipFactory(person=lebak_person, membership_number="KTA-LEBAK"),
    }


# --- changelists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "own", "other"),
    [
        ("person", "Ujang Serang", "Asep Lebak"),
        ("institution", "LKS Kota Serang", "LKS Kabupaten Lebak"),
        ("membership", "KTA-SERANG", "KTA-LEBAK"),
    ],
)
def test_regency_staff_see_only_their_regency_in_changelists(
    client, serang_staff, lebak_staff, province_staff, records, model_name, own, other
):
    url = reverse(f"admin:registry_{model_name}_changelist")

    client.force_login(serang_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert result_rows(response) == 1
    assert own in response.text
    assert other not in response.text

    client.force_login(lebak_staff)
    response = client.get(url)
    assert result_rows(response) == 1
    assert other in response.text
    assert own not in response.text

    client.force_login(province_staff)
    assert result_rows(client.get(url)) == 2


def test_regency_staff_cannot_filter_their_way_into_another_regency(client, serang_staff, records):
    client.force_login(serang_staff)
    url = reverse("admin:registry_person_changelist")

    for params in ({"regency": "36.02"}, {"district": "36.02.14"}, {"q": records["lebak_person"].nik}):
        response = client.get(url, params)
        assert result_rows(response) == 0, params
        assert "Asep Lebak" not in response.text


def test_regency_staff_district_filter_lists_their_kecamatan_only(client, serang_staff, records):
    client.force_login(serang_staff)
    response = client.get(reverse("admin:registry_person_changelist"))

    assert "?district=36.73.05" in response.text  # Cipocok Jaya
    assert "?district=36.02.14" not in response.text  # Rangkasbitung
    assert "?regency=" not in response.text  # one kabupaten/kota: nothing to choose


# --- change, history and delete pages of a record out of scope ---------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "key", "shown"),
    [
        ("person", "lebak_person", "Asep Lebak"),
        ("institution", "lebak_institution", "LKS Kabupaten Lebak"),
        ("membership", "lebak_membership", "KTA-LEBAK"),
    ],
)
def test_change_page_of_a_record_out_of_scope_answers_like_a_missing_one(
    client, serang_staff, records, model_name, key, shown
):
    """A guessed id of another regency's record is a 404, exactly like an id that does not exist."""
    client.force_login(serang_staff)
    record = records[key]

    response = client.get(reverse(f"admin:registry_{model_name}_change", args=[record.pk]))
    missing = client.get(reverse(f"admin:registry_{model_name}_change", args=[999_999]))

    assert response.status_code == missing.status_code == 404
    assert shown not in response.text
    if model_name == "person":
        assert record.nik not in response.text
        assert record.masked_nik not in response.text


def test_own_record_change_page_opens(client, serang_staff, records):
    client.force_login(serang_staff)
    response = client.get(reverse("admin:registry_person_change", args=[records["serang_person"].pk]))

    assert response.status_code == 200
    assert "Ujang Serang" in response.text


def test_history_of_a_record_out_of_scope_is_not_shown(client, serang_staff, records):
    client.force_login(serang_staff)
    lebak = records["lebak_person"]

    response = client.get(reverse("admin:registry_person_history", args=[lebak.pk]))

    assert response.status_code == 404
    assert "Asep Lebak" not in response.text
    own = client.get(reverse("admin:registry_person_history", args=[records["serang_person"].pk]))
    assert own.status_code == 200
    assert "Ujang Serang" in own.text


def test_posting_to_a_record_out_of_scope_changes_nothing(client, serang_staff, records):
    client.force_login(serang_staff)
    lebak = records["lebak_person"]

    client.post(
        reverse("admin:registry_person_change", args=[lebak.pk]),
        {"nik": lebak.nik, "full_name": "Diubah", "village": SERANG_VILLAGE},
    )
    client.post(reverse("admin:registry_person_delete", args=[lebak.pk]), {"post": "yes"})

    lebak.refresh_from_db()
    assert lebak.full_name == "Asep Lebak"
    assert lebak.village_id == LEBAK_VILLAGE


def test_verify_action_ignores_records_out_of_scope(client, serang_staff):
    own = PersonFactory(verification=Verification.UNVERIFIED)
    other = PersonFactory(village_code=LEBAK_VILLAGE, verification=Verification.UNVERIFIED)
    client.force_login(serang_staff)

    client.post(
        reverse("admin:registry_person_changelist"),
        {"action": "mark_verified", "_selected_action": [own.pk, other.pk]},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.verification, own.verified_by) == (Verification.VERIFIED, serang_staff)
    assert (other.verification, other.verified_by) == (Verification.UNVERIFIED, None)


# --- autocomplete and form choices ------------------------------------------------------------------------------


def autocomplete(client, model_name: str, field_name: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["id"] for result in response.json()["results"]]


def test_village_autocomplete_offers_only_own_regency(client, serang_staff, province_staff):
    """Panancangan is a kelurahan in Kota Serang and a desa in Kabupaten Lebak; "Banjarsari" names
    villages in four regencies and a kecamatan of Lebak, yet Kota Serang staff get only their own."""
    client.force_login(province_staff)
    assert {code[:5] for code in autocomplete(client, "person", "village", "Panancangan")} == {"36.73", "36.02"}

    client.force_login(serang_staff)
    assert autocomplete(client, "person", "village", "Panancangan") == ["36.73.05.1003"]
    assert autocomplete(client, "person", "village", "Banjarsari") == ["36.73.05.1005"]
    assert autocomplete(client, "person", "village", "Rangkasbitung") == []


def test_person_autocomplete_offers_only_own_regency(client, serang_staff, records):
    client.force_login(serang_staff)

    assert autocomplete(client, "membership", "person", "Ujang") == [str(records["serang_person"].pk)]
    assert autocomplete(client, "membership", "person", "Asep") == []
    assert autocomplete(client, "membership", "person", records["lebak_person"].nik) == []
    assert autocomplete(client, "institution", "chair", "Asep") == []


def person_form_data(village: str, nik: str) -> dict:
    return {
        "nik": nik,
        "full_name": "Relawan Baru",
        "sex": MALE,
        "birth_place": "Serang",
        "birth_date": "1985-03-12",
        "village": village,
        "address": "Jl. Baru No. 3",
        "status": Person.Status.ACTIVE,
        "verification": Verification.UNVERIFIED,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


def test_person_add_form_refuses_a_village_out_of_scope(client, serang_staff):
    client.force_login(serang_staff)
    url = reverse("admin:registry_person_add")
    nik = build_nik("36.02.14", dt.date(1985, 3, 12), MALE, 77)

    response = client.post(url, person_form_data(LEBAK_VILLAGE, nik))

    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert not Person.objects.filter(nik=nik).exists()

    # the same form with a village of Kota Serang is saved
    response = client.post(url, person_form_data(SERANG_VILLAGE, nik))
    assert response.status_code == 302
    assert Person.objects.get(nik=nik).regency_id == "36.73"


def test_membership_add_form_refuses_a_person_out_of_scope(client, serang_staff, records):
    client.force_login(serang_staff)

    response = client.post(
        reverse("admin:registry_membership_add"),
        {
            "person": records["lebak_person"].pk,
            "psks_type": "PSM",
            "start_date": "2024-01-02",
            "status": Membership.Status.ACTIVE,
            "verification": Verification.UNVERIFIED,
        },
    )

    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors
    assert Membership.objects.filter(person=records["lebak_person"]).count() == 1


def test_tagana_assignment_to_another_regency_is_refused(client, serang_staff, records):
    client.force_login(serang_staff)

    response = client.post(
        reverse("admin:registry_membership_add"),
        {
            "person": records["serang_person"].pk,
            "psks_type": "TAGANA",
            "regency": "36.02",
            "start_date": "2024-01-02",
            "status": Membership.Status.ACTIVE,
            "verification": Verification.UNVERIFIED,
        },
    )

    assert response.status_code == 200
    assert "regency" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(psks_type="TAGANA").exists()


# --- no role, no login ---------------------------------------------------------------------------------------------


ADMIN_URLS = [
    "/admin/",
    "/admin/registry/person/",
    "/admin/registry/institution/",
    "/admin/accounts/user/",
    "/admin/autocomplete/?app_label=registry&model_name=membership&field_name=person&term=Ujang",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
@pytest.mark.parametrize("who", ["anonymous", "no_role_user"])
def test_visitors_and_users_without_role_are_sent_to_login(client, records, request, who, url):
    if who == "no_role_user":
        client.force_login(request.getfixturevalue("no_role_user"))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    for name in ("Ujang Serang", "Asep Lebak", "LKS Kota Serang", records["serang_person"].masked_nik):
        assert name not in followed.text


def test_change_page_for_user_without_role_leaks_nothing(client, no_role_user, records):
    client.force_login(no_role_user)
    response = client.get(reverse("admin:registry_person_change", args=[records["serang_person"].pk]), follow=True)

    assert "Ujang Serang" not in response.text
    assert records["serang_person"].nik not in response.text


def test_admin_login_refuses_a_user_without_role(client, no_role_user):
    response = client.post(
        reverse("admin:login"), {"username": "tanpa-peran", "password": "rahasia-uji-123", "next": "/admin/"}
    )

    assert response.status_code == 200
    assert "bukan akun staf Dinas Sosial" in response.text
    assert client.get("/admin/registry/person/").status_code == 302


# --- accounts ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def superuser():
    return UserFactory(username="akar", is_superuser=True, is_staff=True)


def test_province_staff_cannot_take_over_a_superuser_account(client, province_staff, superuser):
    """Province staff manage logins, but a superuser's account (and its password page) is out of their reach."""
    client.force_login(province_staff)

    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert listing.status_code == 200
    assert "provinsi" in listing.text
    assert reverse("admin:accounts_user_change", args=[superuser.pk]) not in listing.text

    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(password_url).status_code == 404
    client.post(password_url, {"password1": "diambil-alih-987", "password2": "diambil-alih-987"})
    assert client.get(reverse("admin:accounts_user_change", args=[superuser.pk])).status_code == 404

    superuser.refresh_from_db()
    assert superuser.check_password("rahasia-uji-123")
    assert superuser.is_active


def test_superuser_still_manages_superusers(client, superuser):
    other = UserFactory(username="akar-dua", is_superuser=True)
    client.force_login(superuser)

    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 200


def test_regency_staff_manage_no_staff_logins(client, serang_staff):
    """Regency staff see only their volunteers' logins (accounts/tests/test_user_admin.py), never a staff login."""
    client.force_login(serang_staff)

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[serang_staff.pk])).status_code == 404


# --- the rules themselves ------------------------------------------------------------------------------------------


def test_a_model_without_a_rule_is_invisible_to_everyone(province_staff):
    Group.objects.create(name="Grup uji")

    assert not has_rule(Group)
    assert not visible(province_staff, Group).exists()
    assert ContentType.objects.exists()
    assert not visible(province_staff, ContentType).exists()


@pytest.mark.parametrize("model", [Person, Membership, Institution])
def test_user_without_role_and_anonymous_see_nothing(no_role_user, records, model):
    assert model.objects.exists()
    assert has_rule(model)
    assert not visible(no_role_user, model).exists()
    assert not visible(AnonymousUser(), model).exists()


def test_reference_data_is_read_by_anyone_logged_in_and_nobody_else(no_role_user):
    assert visible(no_role_user, PsksType).count() == PsksType.objects.count() == 14
    assert not visible(AnonymousUser(), PsksType).exists()


def test_inactive_staff_see_nothing(serang_staff, records):
    serang_staff.is_active = False
    serang_staff.save()
    serang_staff._role_assignments = None

    assert not visible(serang_staff, Person).exists()


def test_rules_give_each_regency_its_own_rows(serang_staff, lebak_staff, province_staff, records):
    assert list(visible(serang_staff, Person)) == [records["serang_person"]]
    assert list(visible(lebak_staff, Person)) == [records["lebak_person"]]
    assert visible(province_staff, Person).count() == 2
