"""`manage.py load_regions`: Banten's real regions, idempotent reloads, another province, and the admin search."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from regions.models import District, Province, Regency, Village
from regions.reference import read_rows

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def counts(province: str) -> tuple[int, int, int]:
    return (
        Regency.objects.filter(province_id=province).count(),
        District.objects.filter(regency__province_id=province).count(),
        Village.objects.filter(district__regency__province_id=province).count(),
    )


def test_banten_is_loaded_with_its_official_counts():
    assert Province.objects.get(code="36").name == "Banten"
    assert counts("36") == (8, 155, 1552)
    assert Village.objects.filter(kind=Village.Kind.DESA).count() == 1238
    assert Village.objects.filter(kind=Village.Kind.KELURAHAN).count() == 314
    assert Regency.objects.filter(kind=Regency.Kind.KABUPATEN).count() == 4
    assert Regency.objects.filter(kind=Regency.Kind.KOTA).count() == 4


def test_regency_codes_and_names():
    # The widely shared "3602 = Kabupaten Serang" is wrong: 36.02 is Lebak (glossary §7.1).
    assert Regency.objects.get(code="36.73").name == "Kota Serang"
    assert Regency.objects.get(code="36.02").name == "Kabupaten Lebak"
    assert Regency.objects.get(code="36.04").name == "Kabupaten Serang"
    assert District.objects.get(code="36.73.05").name == "Cipocok Jaya"
    assert District.objects.get(code="36.73.05").nik_prefix == "367305"


def test_rerun_changes_nothing():
    output = run()
    assert "Regions of province 36: 0 created, 0 updated" in output
    assert "desa/kelurahan: 1552 in data, 0 created, 0 updated" in output
    assert counts("36") == (8, 155, 1552)


def test_load_into_an_empty_database():
    Village.objects.all().delete()
    District.objects.all().delete()
    Regency.objects.all().delete()
    Province.objects.all().delete()

    output = run()

    assert "Regions of province 36: 1716 created, 0 updated" in output
    assert "provinsi: 1 in data, 1 created, 0 updated" in output
    assert "kabupaten/kota: 8 in data, 8 created, 0 updated" in output
    assert "kecamatan: 155 in data, 155 created, 0 updated" in output
    assert "desa/kelurahan: 1552 in data, 1552 created, 0 updated" in output
    assert counts("36") == (8, 155, 1552)
    assert Village.objects.filter(kind=Village.Kind.DESA).count() == 1238


def test_renamed_village_is_restored_in_place():
    village = Village.objects.get(code="36.73.05.1001")
    original = village.name
    village.name = "Nama Salah"
    village.save()

    output = run()

    assert "Regions of province 36: 0 created, 1 updated" in output
    assert "desa/kelurahan: 1552 in data, 0 created, 1 updated" in output
    village.refresh_from_db()
    assert village.name == original == "Cipocok Jaya"
    assert Village.objects.count() == 1552


def test_moved_district_is_put_back_under_its_regency():
    district = District.objects.get(code="36.73.05")
    district.regency_id = "36.02"
    district.save()
    assert "kecamatan: 155 in data, 0 created, 1 updated" in run()
    district.refresh_from_db()
    assert district.regency_id == "36.73"


def test_unknown_province_is_a_command_error():
    with pytest.raises(CommandError, match="Unknown province code 99"):
        run("--province", "99")
    assert Province.objects.count() == 1


def expected_counts(prefix: str) -> tuple[int, int, int]:
    return tuple(
        sum(1 for row in read_rows(name) if row["code"].startswith(prefix))
        for name in ["regencies", "districts", "villages"]
    )


def test_province_code_setting_loads_another_province(settings):
    settings.PROVINCE_CODE = "19"
    expected = expected_counts("19.")
    assert expected == (7, 47, 393)  # Kepulauan Bangka Belitung in the shipped data

    output = run()

    assert Province.objects.get(code="19").name == "Kepulauan Bangka Belitung"
    assert counts("19") == expected
    assert f"Regions of province 19: {1 + sum(expected)} created, 0 updated" in output
    assert counts("36") == (8, 155, 1552), "Banten is left as it was"


def test_province_option_overrides_the_setting():
    run("--province", "19")
    assert counts("19") == expected_counts("19.")


# The regions admin: read-only lists that staff search by name, with or without "Kec.", "Desa" …

VILLAGES = reverse("admin:regions_village_changelist")


@pytest.fixture
def staff_client(client, province_staff):
    client.force_login(province_staff)
    return client


def listed_codes(response) -> set[str]:
    return {village.code for village in response.context["cl"].result_list}


def test_village_list_opens_for_province_staff(staff_client):
    response = staff_client.get(VILLAGES)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1552


def test_village_search_by_district_name_with_prefix(staff_client):
    cipocok = set(Village.objects.filter(district_id="36.73.05").values_list("code", flat=True))
    assert len(cipocok) == 8

    for term in ["Cipocok Jaya", "Kec. Cipocok Jaya", "kecamatan cipocok jaya", "KEC CIPOCOK JAYA"]:
        response = staff_client.get(VILLAGES, {"q": term})
        assert response.status_code == 200
        assert listed_codes(response) == cipocok, term


@pytest.mark.parametrize(("term", "code"), [("Desa Kanekes", "36.02.06.2001"), ("KEL. CIPARE", "36.73.01.1002")])
def test_village_search_by_village_name_with_prefix(staff_client, term, code):
    response = staff_client.get(VILLAGES, {"q": term})
    assert listed_codes(response) == {code}
    assert Village.objects.get(code=code).name in response.content.decode()


def test_village_search_by_code(staff_client):
    response = staff_client.get(VILLAGES, {"q": "36.73.05.1001"})
    assert listed_codes(response) == {"36.73.05.1001"}


def test_district_search_strips_the_prefix(staff_client):
    response = staff_client.get(reverse("admin:regions_district_changelist"), {"q": "Kec. Rangkasbitung"})
    assert response.status_code == 200
    assert {d.code for d in response.context["cl"].result_list} == {"36.02.14"}


def test_regency_search_strips_the_prefix(staff_client):
    response = staff_client.get(reverse("admin:regions_regency_changelist"), {"q": "Kab. Lebak"})
    assert response.status_code == 200
    assert {r.code for r in response.context["cl"].result_list} == {"36.02"}


def test_regions_cannot_be_added_by_staff(staff_client):
    assert staff_client.get(reverse("admin:regions_village_add")).status_code == 403


def test_regency_staff_sees_only_their_own_villages(client, lebak_staff):
    client.force_login(lebak_staff)
    response = client.get(VILLAGES, {"q": "Cipocok Jaya"})
    assert response.status_code == 200
    assert listed_codes(response) == set()
    response = client.get(VILLAGES, {"q": "Kanekes"})
    assert listed_codes(response) == {"36.02.06.2001"}
    response = client.get(VILLAGES)
    assert response.context["cl"].result_count == Village.objects.filter(district__regency_id="36.02").count() == 345
