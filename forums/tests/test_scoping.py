"""Who sees which forums, boards, events and participants: staff by region, forum officers read-only, others nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from forums import scoping
from forums.models import Event, Forum, OfficerTerm, Participation, Position
from forums.tests.factories import EventFactory, OfficerTermFactory, ParticipationFactory
from pskshub.scoping import visible
from registry.tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(province_forum, serang_forum, lebak_forum, serang_person, lebak_person):
    """A forum, a chair and an event per level; a province event attended from both regencies."""
    province_event = EventFactory(organiser_regency_id=None, title="Bimtek Provinsi")
    return {
        "terms": {
            "province": OfficerTermFactory(forum=province_forum, person=serang_person),
            "serang": OfficerTermFactory(forum=serang_forum, person=serang_person),
            "lebak": OfficerTermFactory(forum=lebak_forum, person=lebak_person),
        },
        "events": {
            "province": province_event,
            "serang": EventFactory(title="Bimtek Serang"),
            "lebak": EventFactory(organiser_regency_id="36.02", title="Bimtek Lebak"),
        },
        "participations": {
            "province-serang": ParticipationFactory(event=province_event, person=serang_person),
            "province-lebak": ParticipationFactory(event=province_event, person=lebak_person),
        },
    }


def names(user, model) -> set[str]:
    return {str(getattr(row, "name", None) or getattr(row, "title", None)) for row in visible(user, model)}


def test_province_staff_see_everything(province_staff, world):
    assert names(province_staff, Forum) == {
        "Forum PSKS Provinsi Banten",
        "Forum PSKS Kota Serang",
        "Forum PSKS Kabupaten Lebak",
    }
    assert visible(province_staff, OfficerTerm).count() == 3
    assert visible(province_staff, Participation).count() == 2


def test_regency_staff_see_their_regency_and_the_province_level(lebak_staff, world):
    assert names(lebak_staff, Forum) == {"Forum PSKS Provinsi Banten", "Forum PSKS Kabupaten Lebak"}
    assert names(lebak_staff, Event) == {"Bimtek Provinsi", "Bimtek Lebak"}
    assert set(visible(lebak_staff, OfficerTerm)) == {world["terms"]["province"], world["terms"]["lebak"]}


def test_regency_staff_see_only_their_own_participants_of_a_province_event(lebak_staff, world):
    assert list(visible(lebak_staff, Participation)) == [world["participations"]["province-lebak"]]


def test_lebak_staff_get_404_for_the_serang_forum(client, lebak_staff, world, serang_forum):
    client.force_login(lebak_staff)
    for url in [
        reverse("admin:forums_forum_change", args=[serang_forum.pk]),
        reverse("admin:forums_forum_history", args=[serang_forum.pk]),
        reverse("admin:forums_officerterm_change", args=[world["terms"]["serang"].pk]),
        reverse("admin:forums_officerterm_history", args=[world["terms"]["serang"].pk]),
        reverse("admin:forums_event_change", args=[world["events"]["serang"].pk]),
        reverse("admin:forums_event_history", args=[world["events"]["serang"].pk]),
        reverse("admin:forums_forum_delete", args=[serang_forum.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.get(reverse("admin:forums_forum_changelist"))
    assert "Forum PSKS Kota Serang" not in response.text


def test_lebak_staff_cannot_delete_the_province_forum(client, lebak_staff, province_forum):
    client.force_login(lebak_staff)
    response = client.post(reverse("admin:forums_forum_delete", args=[province_forum.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Forum.objects.filter(pk=province_forum.pk).exists()


def test_a_forum_officer_sees_their_region_but_cannot_change_it(serang_forum_officer, world, serang_forum):
    assert names(serang_forum_officer, Forum) == {"Forum PSKS Provinsi Banten", "Forum PSKS Kota Serang"}
    assert names(serang_forum_officer, Event) == {"Bimtek Provinsi", "Bimtek Serang"}
    assert list(visible(serang_forum_officer, Participation)) == [world["participations"]["province-serang"]]
    assert not scoping.can_write_forum(serang_forum_officer, serang_forum)
    assert not scoping.can_write_event(serang_forum_officer, world["events"]["serang"])
    with pytest.raises(scoping.PermissionDenied):
        scoping.get_forum_for(serang_forum_officer, serang_forum.pk, write=True)
    assert scoping.get_forum_for(serang_forum_officer, serang_forum.pk) == serang_forum


def test_a_forum_officer_has_no_admin_door(client, serang_forum_officer, serang_forum):
    client.force_login(serang_forum_officer)
    response = client.get(reverse("admin:forums_forum_change", args=[serang_forum.pk]))
    assert response.status_code == 302  # the admin's login page: forum officers use the dashboards


def test_a_province_forum_officer_sees_the_whole_province(world):
    officer = RoleFactory(user=UserFactory(username="forum-provinsi"), role=RoleAssignment.Role.FORUM_OFFICER).user
    assert visible(officer, Forum).count() == 3
    assert visible(officer, Participation).count() == 2
    assert not scoping.can_write_region(officer, None)


def test_a_user_without_a_role_sees_nothing(no_role_user, world):
    for model in [Forum, OfficerTerm, Event, Participation]:
        assert not visible(no_role_user, model).exists()
    assert visible(no_role_user, Position).count() == 8  # reference data: any logged-in user


def test_write_rules(province_staff, serang_staff, serang_forum, province_forum, lebak_forum):
    assert scoping.can_write_forum(province_staff, province_forum)
    assert scoping.can_write_forum(serang_staff, serang_forum)
    assert not scoping.can_write_forum(serang_staff, province_forum)
    assert not scoping.can_write_forum(serang_staff, lebak_forum)


def test_out_of_scope_and_missing_are_the_same_404(lebak_staff, serang_forum):
    from django.http import Http404

    for pk in [serang_forum.pk, 999_999]:
        with pytest.raises(Http404):
            scoping.get_forum_for(lebak_staff, pk)
