"""The forums admin: every page in a bounded number of queries, the board inline's overlap rule across rows,
statutes upload, and province-level forums writable by provincial staff only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Forum, OfficerTerm
from forums.tests.factories import (
    PDF_BYTES,
    EventFactory,
    ForumFactory,
    OfficerTermFactory,
    ParticipationFactory,
)
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def forum_rows(parent: Forum, count: int) -> None:
    """`count` forums, each with a chair, and `count` events of 2 participants each."""
    for _ in range(count):
        OfficerTermFactory(forum=ForumFactory(parent=parent), end_date=None)
        ParticipationFactory.create_batch(2, event=EventFactory())


@pytest.fixture
def admin_objects(serang_forum):
    term = OfficerTermFactory(forum=serang_forum)
    OfficerTermFactory.create_batch(5, forum=serang_forum, position_id="koordinator-bidang")
    event = EventFactory()
    ParticipationFactory.create_batch(5, event=event)
    return {"forum": serang_forum.pk, "officerterm": term.pk, "event": event.pk, "position": "ketua"}


# (model, max queries for: changelist, add view (None: adding not allowed), change view), measured plus one.
# The fixed part: session, user, roles, 2 permission reads, content types.
ADMIN_PAGES = [
    ("forum", 9, 11, 15),
    ("officerterm", 10, 7, 10),
    ("event", 9, 8, 9),
    ("position", 8, None, 8),
]


@pytest.mark.parametrize(("model_name", "max_changelist", "max_add", "max_change"), ADMIN_PAGES)
def test_admin_pages_render_in_bounded_queries(
    client,
    province_staff,
    admin_objects,
    django_assert_max_num_queries,
    model_name,
    max_changelist,
    max_add,
    max_change,
):
    forum_rows(Forum.objects.get(level="province"), 5)
    client.force_login(province_staff)

    with django_assert_max_num_queries(max_changelist):
        response = client.get(reverse(f"admin:forums_{model_name}_changelist"))
    assert response.status_code == 200

    if max_add is None:
        assert client.get(reverse(f"admin:forums_{model_name}_add")).status_code == 403
    else:
        with django_assert_max_num_queries(max_add):
            response = client.get(reverse(f"admin:forums_{model_name}_add"))
        assert response.status_code == 200

    with django_assert_max_num_queries(max_change):
        response = client.get(reverse(f"admin:forums_{model_name}_change", args=[admin_objects[model_name]]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "max_queries"),
    [("forums_vacancyboard_changelist", 11), ("forums_event_participants", 7), ("forums_forum_history", 11)],
)
def test_custom_pages_render_in_bounded_queries(
    client, province_staff, admin_objects, django_assert_max_num_queries, url_name, max_queries
):
    forum_rows(Forum.objects.get(level="province"), 5)
    args = {"forums_event_participants": [admin_objects["event"]], "forums_forum_history": [admin_objects["forum"]]}
    client.force_login(province_staff)
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(f"admin:{url_name}", args=args.get(url_name, [])))
    assert response.status_code == 200


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model_name", ["forum", "officerterm", "event"])
def test_changelist_query_count_does_not_grow_with_rows(client, province_staff, province_forum, model_name):
    url = reverse(f"admin:forums_{model_name}_changelist")
    client.force_login(province_staff)
    forum_rows(province_forum, 3)
    client.get(url)  # warm the per-process caches (content types)
    with_3 = count_queries(client, url)
    forum_rows(province_forum, 27)
    assert count_queries(client, url) == with_3


def test_forum_page_query_count_does_not_grow_with_its_board(client, province_staff, serang_forum):
    url = reverse("admin:forums_forum_change", args=[serang_forum.pk])
    client.force_login(province_staff)
    OfficerTermFactory.create_batch(3, forum=serang_forum, position_id="anggota")
    client.get(url)
    with_3 = count_queries(client, url)
    OfficerTermFactory.create_batch(20, forum=serang_forum, position_id="anggota")
    assert count_queries(client, url) == with_3


def test_event_page_query_count_does_not_grow_with_participants(client, province_staff):
    event = EventFactory()
    url = reverse("admin:forums_event_change", args=[event.pk])
    client.force_login(province_staff)
    ParticipationFactory.create_batch(3, event=event)
    client.get(url)
    with_3 = count_queries(client, url)
    ParticipationFactory.create_batch(20, event=event)
    assert count_queries(client, url) == with_3


def test_the_forum_list_shows_the_current_chair(client, province_staff, serang_forum, lebak_forum):
    OfficerTermFactory(forum=serang_forum, person=PersonFactory(full_name="Andika Hazrumy"), end_date=None)
    OfficerTermFactory(forum=lebak_forum, person=PersonFactory(full_name="Rina Plt"), end_date=None, acting=True)
    client.force_login(province_staff)
    response = client.get(reverse("admin:forums_forum_changelist"))
    assert "Andika Hazrumy" in response.text
    assert "Plt. Rina Plt" in response.text
    assert "— (kosong)" in response.text  # the province forum


# --- the board inline: all rows checked together ------------------------------------------------------------------


def forum_form(forum: Forum, terms: list[dict], *, initial: int = 0, **fields) -> dict:
    data = {
        "name": forum.name,
        "kind": forum.kind,
        "level": forum.level,
        "regency": forum.regency_id or "",
        "district": "",
        "parent": forum.parent_id or "",
        "status": forum.status,
        "founded_on": "2023-02-01",
        "founding_event": "",
        "decree_number": "",
        "decree_date": "",
        "inaugurated_on": "",
        "inaugurated_by": "",
        "description": "",
        "terms-TOTAL_FORMS": str(len(terms)),
        "terms-INITIAL_FORMS": str(initial),
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, term in enumerate(terms):
        row = {"position": "ketua", "position_detail": "", "end_date": "", "decree_number": "", "end_reason": ""}
        row |= {"decree_date": "", "inaugurated_on": "", "inaugurated_by": "", **term}
        for key, value in row.items():
            data[f"terms-{i}-{key}"] = value
    return data


def existing(term: OfficerTerm, **changes) -> dict:
    return {
        "id": str(term.pk),
        "forum": str(term.forum_id),
        "position": term.position_id,
        "person": str(term.person_id),
        "start_date": term.start_date.isoformat(),
        "end_date": term.end_date.isoformat() if term.end_date else "",
        **changes,
    }


def test_ending_a_chair_and_adding_the_successor_in_one_save(client, serang_staff, serang_forum):
    old = OfficerTermFactory(forum=serang_forum, start_date=dt.date(2023, 2, 1), end_date=None)
    successor = PersonFactory(full_name="Dewi Pengganti")
    client.force_login(serang_staff)
    data = forum_form(
        serang_forum,
        [
            existing(old, end_date="2025-02-28", end_reason="Mengundurkan diri"),
            {"person": str(successor.pk), "start_date": "2025-03-01"},
        ],
        initial=1,
    )
    response = client.post(reverse("admin:forums_forum_change", args=[serang_forum.pk]), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    terms = list(serang_forum.terms.order_by("start_date").values_list("person__full_name", "start_date", "end_date"))
    assert terms == [
        (old.person.full_name, dt.date(2023, 2, 1), dt.date(2025, 2, 28)),
        ("Dewi Pengganti", dt.date(2025, 3, 1), None),
    ]


def test_adding_a_successor_without_ending_the_chair_names_the_chair(client, serang_staff, serang_forum):
    old = OfficerTermFactory(
        forum=serang_forum,
        person=PersonFactory(full_name="Andika Hazrumy"),
        start_date=dt.date(2022, 11, 21),
        end_date=None,
    )
    client.force_login(serang_staff)
    data = forum_form(
        serang_forum, [existing(old), {"person": str(PersonFactory().pk), "start_date": "2025-03-01"}], initial=1
    )
    response = client.post(reverse("admin:forums_forum_change", args=[serang_forum.pk]), data)
    assert response.status_code == 200
    assert (
        "Jabatan Ketua sudah dipegang Andika Hazrumy (21-11-2022 s.d. sekarang) pada tanggal tersebut." in response.text
    )
    assert serang_forum.terms.count() == 1


def test_two_overlapping_new_rows_are_refused(client, serang_staff, serang_forum):
    client.force_login(serang_staff)
    data = forum_form(
        serang_forum,
        [
            {"person": str(PersonFactory().pk), "start_date": "2024-01-01", "end_date": "2025-12-31"},
            {"person": str(PersonFactory().pk), "start_date": "2025-06-01", "acting": "on"},
        ],
    )
    response = client.post(reverse("admin:forums_forum_change", args=[serang_forum.pk]), data)
    assert response.status_code == 200
    assert "sudah dipegang" in response.text
    assert not serang_forum.terms.exists()


def test_the_officer_term_page_refuses_an_overlap(client, serang_staff, serang_forum):
    OfficerTermFactory(
        forum=serang_forum,
        position_id="bendahara",
        person=PersonFactory(full_name="Tuti Bendahara"),
        start_date=dt.date(2023, 2, 1),
        end_date=dt.date(2028, 1, 31),
    )
    client.force_login(serang_staff)
    data = {
        "forum": str(serang_forum.pk),
        "position": "bendahara",
        "person": str(PersonFactory().pk),
        "start_date": "2027-12-01",
        "end_date": "",
    }
    response = client.post(reverse("admin:forums_officerterm_add"), data)
    assert response.status_code == 200
    assert "Jabatan Bendahara sudah dipegang Tuti Bendahara (01-02-2023 s.d. 31-01-2028)" in response.text
    assert OfficerTerm.objects.count() == 1


def test_end_before_start_is_a_form_error(client, serang_staff, serang_forum):
    client.force_login(serang_staff)
    data = forum_form(
        serang_forum, [{"person": str(PersonFactory().pk), "start_date": "2025-03-01", "end_date": "2025-02-01"}]
    )
    response = client.post(reverse("admin:forums_forum_change", args=[serang_forum.pk]), data)
    assert "Akhir masa jabatan tidak boleh sebelum tanggal mulai." in response.text
    assert not serang_forum.terms.exists()


# --- statutes upload --------------------------------------------------------------------------------------------


def test_statutes_upload(client, serang_staff, serang_forum):
    client.force_login(serang_staff)
    url = reverse("admin:forums_forum_change", args=[serang_forum.pk])
    png = SimpleUploadedFile("ad-art.pdf", b"\x89PNG\r\n\x1a\n....", content_type="application/pdf")
    response = client.post(url, forum_form(serang_forum, [], statutes=png))
    assert response.status_code == 200
    assert "Isi berkas AD/ART bukan PDF" in response.text
    serang_forum.refresh_from_db()
    assert not serang_forum.statutes

    pdf = SimpleUploadedFile("ad-art.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, forum_form(serang_forum, [], statutes=pdf))
    assert response.status_code == 302
    serang_forum.refresh_from_db()
    assert serang_forum.statutes.read() == PDF_BYTES


# --- who may write -------------------------------------------------------------------------------------------------


def test_regency_staff_cannot_record_a_province_forum(client, lebak_staff):
    client.force_login(lebak_staff)
    data = forum_form(ForumFactory.build(level="province", regency_id=None, name="Forum Baru"), [])
    response = client.post(reverse("admin:forums_forum_add"), data)
    assert response.status_code == 200
    assert "Forum tingkat provinsi hanya dapat dicatat staf Dinsos provinsi." in response.text
    assert not Forum.objects.exists()


def test_regency_staff_record_a_forum_of_their_regency(client, lebak_staff, province_forum):
    client.force_login(lebak_staff)
    forum = ForumFactory.build(name="Forum PSKS Kabupaten Lebak", regency_id="36.02", parent=province_forum)
    response = client.post(reverse("admin:forums_forum_add"), forum_form(forum, []))
    assert response.status_code == 302
    created = Forum.objects.get(name="Forum PSKS Kabupaten Lebak")
    assert created.regency_id == "36.02"
    assert created.history.get().history_user == lebak_staff


def test_regency_staff_read_the_province_forum_but_cannot_change_it(client, lebak_staff, province_forum):
    client.force_login(lebak_staff)
    url = reverse("admin:forums_forum_change", args=[province_forum.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    response = client.post(url, forum_form(province_forum, [], name="Diubah"))
    assert response.status_code == 403
    province_forum.refresh_from_db()
    assert province_forum.name == "Forum PSKS Provinsi Banten"


def test_regency_staff_cannot_add_a_term_to_the_province_forum(client, lebak_staff, province_forum):
    client.force_login(lebak_staff)
    data = {
        "forum": str(province_forum.pk),
        "position": "ketua",
        "person": str(PersonFactory(village_code="36.02.14.1002").pk),
        "start_date": "2025-01-01",
    }
    response = client.post(reverse("admin:forums_officerterm_add"), data)
    assert response.status_code == 200
    assert "Anda tidak dapat mengubah pengurus forum ini." in response.text
    assert not OfficerTerm.objects.exists()
