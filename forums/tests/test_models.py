"""Forums: region by level, parent of the same kind one level up, statutes as a real PDF of at most 5 MB;
position reference data; events: dates, organiser region, attendance counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from forums.models import STATUTES_MAX_BYTES, Event, Forum, Position, months_before
from forums.tests.factories import PDF_BYTES, EventFactory, ForumFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


# --- reference data ------------------------------------------------------------------------------------------------


def test_positions_are_loaded_with_their_single_holder_rule():
    rows = list(Position.objects.values_list("name", "single_holder"))
    assert rows == [
        ("Ketua", True),
        ("Wakil Ketua", False),
        ("Sekretaris", True),
        ("Wakil Sekretaris", False),
        ("Bendahara", True),
        ("Wakil Bendahara", False),
        ("Koordinator Bidang", False),
        ("Anggota", False),
    ]


# --- forums --------------------------------------------------------------------------------------------------------


def test_a_province_forum_has_no_region_or_parent(province_forum):
    forum = Forum(name="Forum X", kind=Forum.Kind.FORUM_PSKS, level=Forum.Level.PROVINCE, regency_id="36.73")
    assert "regency" in errors_of(forum)
    forum = Forum(name="Forum X", kind=Forum.Kind.FORUM_PSKS, level=Forum.Level.PROVINCE, parent=province_forum)
    assert errors_of(forum)["parent"] == ["Forum tingkat provinsi tidak memiliki forum induk."]


def test_a_regency_forum_needs_its_regency():
    forum = Forum(name="Forum X", kind=Forum.Kind.FORUM_PSKS, level=Forum.Level.REGENCY)
    assert errors_of(forum)["regency"] == ["Isi kabupaten/kota forum ini."]


def test_a_district_forum_takes_its_regency_from_the_district(serang_forum):
    forum = Forum(
        name="Forum PSKS Kec. Cipocok Jaya",
        kind=Forum.Kind.FORUM_PSKS,
        level=Forum.Level.DISTRICT,
        district_id="36.73.05",
        parent=serang_forum,
    )
    forum.full_clean()
    forum.save()
    assert forum.regency_id == "36.73"


def test_the_parent_must_be_of_the_same_kind(province_forum):
    forpeksos = ForumFactory.province(kind=Forum.Kind.FORPEKSOS, name="Forpeksos Banten")
    forum = Forum(name="Forum X", kind=Forum.Kind.FORUM_PSKS, level=Forum.Level.REGENCY, regency_id="36.02")
    forum.parent = forpeksos
    assert "harus berjenis sama" in errors_of(forum)["parent"][0]
    forum.parent = province_forum
    forum.full_clean()


def test_the_parent_of_a_regency_forum_is_a_province_forum(serang_forum):
    forum = Forum(
        name="Forum X", kind=Forum.Kind.FORUM_PSKS, level=Forum.Level.REGENCY, regency_id="36.02", parent=serang_forum
    )
    assert errors_of(forum)["parent"] == ["Forum induk forum kabupaten/kota harus forum tingkat provinsi."]


def test_the_parent_of_a_district_forum_is_the_forum_of_its_regency(lebak_forum):
    forum = Forum(
        name="Forum X",
        kind=Forum.Kind.FORUM_PSKS,
        level=Forum.Level.DISTRICT,
        district_id="36.73.05",
        parent=lebak_forum,
    )
    assert "kabupaten/kota tempat kecamatan ini berada" in errors_of(forum)["parent"][0]


def test_current_chair_is_annotated_in_the_same_query(serang_forum, django_assert_num_queries):
    from forums.tests.factories import OfficerTermFactory

    OfficerTermFactory(forum=serang_forum, start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 12, 31))
    OfficerTermFactory(forum=serang_forum, start_date=dt.date(2023, 1, 1), end_date=None, acting=True)
    with django_assert_num_queries(1):
        forums = {f.name: (f.chair_name, f.chair_acting) for f in Forum.objects.with_current_chair()}
    chair = serang_forum.terms.get(end_date=None).person.full_name
    assert forums == {"Forum PSKS Provinsi Banten": (None, None), "Forum PSKS Kota Serang": (chair, True)}


# --- statutes (AD/ART) -----------------------------------------------------------------------------------------------


def test_a_valid_pdf_is_accepted_and_stored(serang_forum):
    serang_forum.statutes = SimpleUploadedFile("ad-art.pdf", PDF_BYTES, content_type="application/pdf")
    serang_forum.full_clean()
    serang_forum.save()
    serang_forum.refresh_from_db()
    assert serang_forum.statutes.name.startswith("forums/statutes/")
    assert serang_forum.statutes.read() == PDF_BYTES


def test_a_png_is_refused(serang_forum):
    serang_forum.statutes = SimpleUploadedFile("ad-art.png", PNG_BYTES, content_type="image/png")
    assert errors_of(serang_forum)["statutes"] == [
        "Berkas AD/ART harus berformat PDF (.pdf); berkas Anda berakhiran .png.",
        "Isi berkas AD/ART bukan PDF (mungkin berkas lain yang diganti namanya). Unggah berkas PDF asli.",
    ]


@pytest.mark.parametrize("content", [PNG_BYTES, b"Anggaran Dasar Forum PSKS\n"])
def test_another_file_renamed_pdf_is_refused(serang_forum, content):
    serang_forum.statutes = SimpleUploadedFile("ad-art.pdf", content, content_type="application/pdf")
    assert errors_of(serang_forum)["statutes"] == [
        "Isi berkas AD/ART bukan PDF (mungkin berkas lain yang diganti namanya). Unggah berkas PDF asli."
    ]


def test_a_pdf_over_5_mb_is_refused_with_its_size(serang_forum):
    content = PDF_BYTES + b"0" * (STATUTES_MAX_BYTES + 1 - len(PDF_BYTES))
    serang_forum.statutes = SimpleUploadedFile("ad-art.pdf", content, content_type="application/pdf")
    (message,) = errors_of(serang_forum)["statutes"]
    assert message.startswith("Ukuran berkas AD/ART paling besar 5,0\xa0MB; berkas Anda 5,0\xa0MB")


def test_a_pdf_of_exactly_5_mb_is_accepted(serang_forum):
    content = PDF_BYTES + b"0" * (STATUTES_MAX_BYTES - len(PDF_BYTES))
    serang_forum.statutes = SimpleUploadedFile("ad-art.pdf", content, content_type="application/pdf")
    serang_forum.full_clean()


# --- events ----------------------------------------------------------------------------------------------------------


def test_an_event_ending_before_it_starts_is_refused():
    event = EventFactory.build(start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 9))
    assert errors_of(event)["end_date"] == ["Tanggal selesai tidak boleh sebelum tanggal mulai."]


def test_an_event_has_one_organiser():
    event = EventFactory.build(organiser_forum=ForumFactory())
    assert "organiser_regency" in errors_of(event)


def test_the_event_region_is_the_organisers(serang_forum, province_forum):
    by_forum = EventFactory(organiser_regency_id=None, organiser_forum=serang_forum)
    by_dinsos = EventFactory(organiser_regency_id="36.02")
    by_province = EventFactory(organiser_regency_id=None, organiser_forum=province_forum, village_id="36.04.30.2001")
    assert [by_forum.regency_id, by_dinsos.regency_id, by_province.regency_id] == ["36.73", "36.02", None]
    assert by_province.organiser_name == "Forum PSKS Provinsi Banten"
    assert EventFactory(organiser_regency_id=None).organiser_name == "Dinas Sosial Provinsi Banten"
    assert by_dinsos.organiser_name == "Dinas Sosial Kabupaten Lebak"


def test_trainings_and_attendance_counts():
    training = EventFactory(kind=Event.Kind.BIMTEK)
    meeting = EventFactory(kind=Event.Kind.RAKOR)
    ParticipationFactory.create_batch(3, event=training, certificate=True)
    ParticipationFactory(event=training, attended=False)
    ParticipationFactory(event=meeting)
    assert training.is_training
    assert not meeting.is_training
    assert list(Event.objects.trainings()) == [training]
    counts = Event.objects.with_attendance().get(pk=training.pk)
    assert (counts.participant_count, counts.attended_count, counts.certificate_count) == (4, 3, 3)


def test_events_in_the_last_12_months():
    today = dt.date(2026, 3, 31)
    inside = EventFactory(start_date=dt.date(2025, 3, 31))
    EventFactory(start_date=dt.date(2025, 3, 30))
    EventFactory(start_date=dt.date(2026, 4, 1))  # planned, not yet held
    assert list(Event.objects.in_last_months(12, today=today)) == [inside]


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)
