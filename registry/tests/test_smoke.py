import pytest
from django.urls import reverse

from registry.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_province_staff_opens_person_changelist(client, province_staff):
    MembershipFactory()
    client.force_login(province_staff)
    response = client.get(reverse("admin:registry_person_changelist"))
    assert response.status_code == 200
    assert "Relawan Uji" in response.text
