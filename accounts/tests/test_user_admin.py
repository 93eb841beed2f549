"""The user list: provincial staff manage every login; regency staff only their volunteers' logins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import ROLE_PERMISSIONS
from accounts.scoping import users_for
from accounts.tests.helpers import attempt_login, logged_in
from registry.tests.factories import PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_regency_staff_see_only_their_volunteers_logins(
    client, serang_staff, lebak_staff, province_staff, volunteer, lebak_volunteer, no_role_user
):
    # A Serang person whose login is a staff login stays out of reach.
    PersonFactory(account=RoleFactory(user=UserFactory(username="staf-juga"), role="province_staff").user)

    assert set(users_for(serang_staff)) == {volunteer}
    assert set(users_for(lebak_staff)) == {lebak_volunteer}
    client.force_login(serang_staff)

    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert change_url(volunteer) in listing.text
    for other in (lebak_volunteer, serang_staff, province_staff, no_role_user, User.objects.get(username="staf-juga")):
        assert change_url(other) not in listing.text
        assert client.get(change_url(other)).status_code == 404


def test_regency_staff_may_only_deactivate_a_volunteers_login(client, serang_staff, volunteer):
    client.force_login(serang_staff)

    page = client.get(change_url(volunteer))
    assert page.status_code == 200
    assert 'name="is_active"' in page.text
    for hidden in ('name="username"', 'name="email"', 'name="is_superuser"', 'name="is_staff"', "role_assignments"):
        assert hidden not in page.text
    assert reverse("admin:auth_user_password_change", args=[volunteer.pk]) not in page.text

    response = client.post(change_url(volunteer), {"username": "diambil", "email": "lain@example.org"})

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.username, volunteer.email, volunteer.is_active) == ("siti", "siti.login@example.org", False)
    assert not logged_in(attempt_login("siti"))


def test_regency_staff_cannot_set_a_volunteers_password_or_add_logins(client, serang_staff, volunteer):
    client.force_login(serang_staff)

    password_url = reverse("admin:auth_user_password_change", args=[volunteer.pk])
    assert client.get(password_url).status_code == 403
    client.post(password_url, {"password1": "diambil-alih-987", "password2": "diambil-alih-987"})
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403

    volunteer.refresh_from_db()
    assert volunteer.check_password("rahasia-uji-123")


def test_province_staff_still_see_roles_and_passwords(client, province_staff, volunteer):
    client.force_login(province_staff)

    page = client.get(change_url(volunteer))

    assert page.status_code == 200
    assert 'name="email"' in page.text
    assert "role_assignments" in page.text
    assert client.get(reverse("admin:auth_user_password_change", args=[volunteer.pk])).status_code == 200


def test_regency_staff_role_grants_only_view_and_change_of_logins():
    perms = ROLE_PERMISSIONS[RoleAssignment.Role.REGENCY_STAFF]

    assert {p for p in perms if p.startswith("accounts.")} == {"accounts.view_user", "accounts.change_user"}


def test_users_without_a_staff_role_see_no_logins(volunteer, no_role_user):
    assert not users_for(no_role_user).exists()
    assert not users_for(volunteer).exists()


def test_user_list_query_count_is_flat(client, serang_staff, django_assert_max_num_queries):
    for i in range(20):
        PersonFactory(account=UserFactory(username=f"relawan-{i}"))
    client.force_login(serang_staff)

    with django_assert_max_num_queries(10):
        response = client.get(CHANGELIST)

    assert response.text.count('name="_selected_action"') == 20
