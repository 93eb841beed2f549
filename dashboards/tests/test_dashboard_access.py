"""Who may open which dashboard: staff and forum officers in scope; a region out of scope is a 404 like an unknown one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from registry.tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PROVINCE = reverse("dashboards:province")
KAB_SERANG = reverse("dashboards:regency", args=["kabupaten-serang"])
KOTA_SERANG = reverse("dashboards:regency", args=["kota-serang"])
LEBAK = reverse("dashboards:regency", args=["kabupaten-lebak"])
ALL_REGENCIES = [
    "kabupaten-pandeglang",
    "kabupaten-lebak",
    "kabupaten-tangerang",
    "kabupaten-serang",
    "kota-tangerang",
    "kota-cilegon",
    "kota-serang",
    "kota-tangerang-selatan",
]


def test_urls_are_readable():
    assert PROVINCE == "/dasbor/"
    assert KAB_SERANG == "/dasbor/kabupaten-serang/"
    assert KOTA_SERANG == "/dasbor/kota-serang/"


def test_serang_forum_chair_opens_their_regency_only(client, serang_forum_chair):
    client.force_login(serang_forum_chair)

    assert client.get(KAB_SERANG).status_code == 200
    assert client.get(LEBAK).status_code == 404
    assert client.get(KOTA_SERANG).status_code == 404  # Kota Serang is another regency
    assert client.get(LEBAK, {"format": "xlsx"}).status_code == 404


def test_forum_chair_of_one_regency_is_sent_from_the_province_to_their_regency(client, serang_forum_chair):
    client.force_login(serang_forum_chair)

    response = client.get(PROVINCE)

    assert response.status_code == 302
    assert response["Location"] == KAB_SERANG


def test_regency_staff_open_their_regency_and_are_sent_there_from_the_province(client, serang_staff):
    client.force_login(serang_staff)

    assert client.get(KOTA_SERANG).status_code == 200
    assert client.get(KAB_SERANG).status_code == 404
    assert client.get(PROVINCE)["Location"] == KOTA_SERANG
    assert client.get(PROVINCE, {"format": "xlsx"}).status_code == 302  # no province figures to export


@pytest.mark.parametrize("slug", ALL_REGENCIES)
def test_province_staff_open_every_regency(client, province_staff, slug):
    client.force_login(province_staff)
    assert client.get(reverse("dashboards:regency", args=[slug])).status_code == 200


def test_province_staff_and_province_forum_officers_open_the_province(client, province_staff, province_forum_officer):
    for user in (province_staff, province_forum_officer):
        client.force_login(user)
        assert client.get(PROVINCE).status_code == 200
        assert client.get(LEBAK).status_code == 200


def test_unknown_region_is_the_same_404(client, province_staff, serang_forum_chair):
    for user in (province_staff, serang_forum_chair):
        client.force_login(user)
        assert client.get("/dasbor/kabupaten-atlantis/").status_code == 404
        assert client.get("/dasbor/36-04/").status_code == 404


def test_user_of_two_regencies_chooses_one(client, serang_forum_chair):
    RoleFactory(user=serang_forum_chair, role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.02")
    client.force_login(serang_forum_chair)

    response = client.get(PROVINCE)

    assert response.status_code == 200
    assert f'href="{KAB_SERANG}"' in response.text
    assert f'href="{LEBAK}"' in response.text
    assert f'href="{KOTA_SERANG}"' not in response.text
    assert client.get(LEBAK).status_code == 200


def test_staff_of_one_regency_and_forum_officer_of_another_see_both(client, serang_staff):
    RoleFactory(user=serang_staff, role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.04")
    client.force_login(serang_staff)

    assert client.get(KOTA_SERANG).status_code == 200
    assert client.get(KAB_SERANG).status_code == 200
    assert client.get(LEBAK).status_code == 404


def test_user_without_a_role_gets_404(client, no_role_user):
    client.force_login(no_role_user)

    assert client.get(PROVINCE).status_code == 404
    assert client.get(KAB_SERANG).status_code == 404


def test_unit_coordinator_has_no_dashboard(client, db):
    from registry.tests.factories import InstitutionFactory

    user = UserFactory(username="koordinator")
    RoleFactory(user=user, role=RoleAssignment.Role.UNIT_COORDINATOR, institution=InstitutionFactory())
    client.force_login(user)

    assert client.get(PROVINCE).status_code == 404
    assert client.get(KOTA_SERANG).status_code == 404


def test_inactive_user_is_sent_to_login(client, serang_forum_chair):
    serang_forum_chair.is_active = False
    serang_forum_chair.save()
    client.force_login(serang_forum_chair)

    assert client.get(KAB_SERANG).status_code == 302


def test_visitor_is_sent_to_login(client):
    for url in (PROVINCE, KAB_SERANG, "/dasbor/kabupaten-atlantis/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_dashboards_accept_get_only(client, province_staff):
    client.force_login(province_staff)

    assert client.post(PROVINCE).status_code == 405
    assert client.post(KAB_SERANG).status_code == 405


# --- Who attended: the event pages behind the events panel ----------------------------------------------------------


def test_forum_chair_sees_who_attended_an_event_of_their_regency(client, serang_forum_chair, known_forums):
    bimtek = known_forums["bimtek"]
    client.force_login(serang_forum_chair)

    response = client.get(reverse("dashboards:regency_event", args=["kabupaten-serang", bimtek.pk]))

    assert response.status_code == 200
    assert "Peserta Serang 0" in response.text
    assert "Peserta Serang 2" in response.text
    assert "NIK" not in response.text


def test_event_of_another_regency_is_404_under_any_dashboard(client, serang_forum_chair, known_forums):
    lebak_event = known_forums["lebak_event"]
    client.force_login(serang_forum_chair)

    assert client.get(reverse("dashboards:regency_event", args=["kabupaten-serang", lebak_event.pk])).status_code == 404
    assert client.get(reverse("dashboards:regency_event", args=["kabupaten-lebak", lebak_event.pk])).status_code == 404
    assert client.get(reverse("dashboards:province_event", args=[known_forums["jambore"].pk])).status_code == 404


def test_province_event_is_on_the_province_dashboard_only(client, province_staff, known_forums):
    jambore = known_forums["jambore"]
    client.force_login(province_staff)

    response = client.get(reverse("dashboards:province_event", args=[jambore.pk]))
    assert response.status_code == 200
    assert "Peserta Lebak" in response.text
    assert client.get(reverse("dashboards:regency_event", args=["kabupaten-serang", jambore.pk])).status_code == 404
    assert client.get(reverse("dashboards:province_event", args=[known_forums["bimtek"].pk])).status_code == 404
