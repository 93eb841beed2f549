"""The admin changelists' rows (pskshub/admin_list.py) are Django's rows, byte for byte, on every admin list."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse

from accounts.models import RoleAssignment
from cases.models import Case
from cases.tests.factories import CaseFactory, InterventionFactory
from forums.tests.factories import EventFactory, ForumFactory, OfficerTermFactory, ParticipationFactory
from pskshub.admin_list import RowRenderer, django_rows
from registry.tests.factories import InstitutionFactory, MembershipFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

AWKWARD = 'Siti <b>"Aminah"</b> & Co\'s'  # escaped the same way by both, or the comparison fails


@pytest.fixture
def superuser(db):
    return UserFactory(username="super", is_staff=True, is_superuser=True)


@pytest.fixture
def rows_everywhere(db):
    """A few rows in every list a province officer works with, some with awkward text and empty relations."""
    person = PersonFactory(full_name=AWKWARD)
    MembershipFactory(person=person)
    InstitutionFactory(name=f"LKS {AWKWARD}")
    term = OfficerTermFactory(person=person, forum=ForumFactory())
    ParticipationFactory(event=EventFactory(title=f"Bimtek {AWKWARD}"), person=term.person)
    CaseFactory(beneficiary__full_name=AWKWARD, assignee=None)
    InterventionFactory(case=CaseFactory(assignee=person))
    RoleFactory(user=UserFactory(username="staf-lebak"), role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.02")


def _request(user, path: str = "/admin/", query: str = ""):
    request = RequestFactory().get(f"{path}?{query}")
    request.user = user
    request.resolver_match = resolve(path)  # what the admin's preserved filters read
    return request


def changelist(model_admin, user, query: str = ""):
    opts = model_admin.opts
    path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return model_admin.get_changelist_instance(_request(user, path, query))


def test_every_admin_list_renders_django_s_rows(rows_everywhere, superuser):
    compared = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(_request(superuser)):
            continue
        cl = changelist(model_admin, superuser)
        if not RowRenderer.supports(cl) or not cl.result_list:
            continue
        assert list(RowRenderer(cl).rows()) == django_rows(cl), model.__name__
        compared.append(model.__name__)
    assert {"Case", "Beneficiary", "Intervention", "Person", "Membership", "Institution", "Forum", "Event"} <= set(
        compared
    )


def test_rows_with_filters_preserved_and_in_a_popup(rows_everywhere, superuser):
    case_admin = admin.site._registry[Case]
    cl = changelist(case_admin, superuser, "status=new&o=-1")
    rows = list(RowRenderer(cl).rows())
    assert rows == django_rows(cl)
    case = cl.result_list[0]
    url = reverse("admin:cases_case_change", args=[case.pk])
    assert f'href="{url}?_changelist_filters=status%3Dnew%26o%3D-1"' in rows[0]
    assert f'value="{case.pk}" class="action-select"' in rows[0]
    person_admin = admin.site._registry[PersonFactory._meta.model]
    cl = changelist(person_admin, superuser, "_popup=1")
    assert cl.is_popup
    rows = list(RowRenderer(cl).rows())
    assert rows == django_rows(cl)
    assert "data-popup-opener=" in rows[0]


def test_case_list_page_shows_the_rows(client, rows_everywhere, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    case = Case.objects.get(beneficiary__full_name=AWKWARD)
    assert f'<a href="{reverse("admin:cases_case_change", args=[case.pk])}">#{case.pk}</a>' in page
    assert "Siti &lt;b&gt;&quot;Aminah&quot;&lt;/b&gt; &amp; Co&#x27;s" in page
    assert AWKWARD not in page
