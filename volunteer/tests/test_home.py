"""The front door sends each login where its role works."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("home")


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url == reverse("login")


def test_staff_go_to_the_admin(client, serang_staff):
    client.force_login(serang_staff)
    assert client.get(URL).url == reverse("admin:index")


def test_volunteer_goes_to_data_saya(client, volunteer):
    client.force_login(volunteer)
    assert client.get(URL).url == reverse("volunteer:my_data")


def test_coordinator_without_person_goes_to_the_volunteer_site(client, tksk_coordinator):
    client.force_login(tksk_coordinator)
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteer:unit_list")


def test_forum_officer_without_person_is_sent_to_the_dashboards(client, forum_officer):
    client.force_login(forum_officer)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:province")


def test_login_lands_a_volunteer_on_data_saya(client, volunteer):
    response = client.post(reverse("login"), {"username": "ani", "password": "rahasia-uji-123"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteer:my_data")
    assert "Data Saya" in response.text


def test_wrong_method_is_405(client, volunteer):
    client.force_login(volunteer)
    assert client.post(URL).status_code == 405
