"""The admin's view-on-site shortcut (/admin/r/<content type>/<id>/) only opens records the user may see."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cases.models import Beneficiary
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from registry.tests.factories import LEBAK_VILLAGE

pytestmark = pytest.mark.django_db


def shortcut(obj_or_model, object_id=None) -> str:
    content_type = ContentType.objects.get_for_model(obj_or_model)
    return reverse("admin:view_on_site", args=[content_type.pk, obj_or_model.pk if object_id is None else object_id])


def test_staff_open_a_beneficiary_of_their_regency(client, serang_staff):
    beneficiary = BeneficiaryFactory()  # Kota Serang
    client.force_login(serang_staff)

    response = client.get(shortcut(beneficiary))

    assert response.status_code == 302
    assert response["Location"].endswith(reverse("admin:cases_beneficiary_change", args=[beneficiary.pk]))


def test_staff_of_another_regency_learn_nothing_about_a_beneficiary(client, lebak_staff):
    beneficiary = BeneficiaryFactory()  # Kota Serang
    client.force_login(lebak_staff)

    probe = client.get(shortcut(beneficiary))
    missing = client.get(shortcut(Beneficiary, object_id=beneficiary.pk + 1000))

    assert probe.status_code == missing.status_code == 404
    assert "Location" not in probe
    assert client.get(shortcut(BeneficiaryFactory(village_code=LEBAK_VILLAGE))).status_code == 302


def test_a_case_out_of_scope_is_a_404_and_the_province_sees_it(client, lebak_staff, province_staff):
    case = CaseFactory()  # Kota Serang
    client.force_login(lebak_staff)
    assert client.get(shortcut(case)).status_code == 404

    client.force_login(province_staff)
    assert client.get(shortcut(case)).status_code == 302


@pytest.mark.parametrize("object_id", ["bukan-angka", "999999"])
def test_a_bad_or_missing_id_is_a_404(client, province_staff, object_id):
    client.force_login(province_staff)

    assert client.get(shortcut(Beneficiary, object_id=object_id)).status_code == 404


def test_a_model_without_a_scoping_rule_is_a_404(client, province_staff):
    client.force_login(province_staff)
    content_type = ContentType.objects.get_for_model(ContentType)  # no rule: nothing to open

    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, content_type.pk]))

    assert response.status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999999, 1])).status_code == 404
