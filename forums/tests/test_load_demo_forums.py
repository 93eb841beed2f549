"""`manage.py load_demo_forums`: forums, boards and events on a (small) demo registry; idempotent and seeded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forums import queries
from forums.models import Event, Forum, OfficerTerm, Participation
from regions.models import Regency, Village
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-03-01"
TODAY = dt.date(2026, 3, 1)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo_forums", "--as-of", AS_OF, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def registry():
    """Ten volunteers in each kabupaten/kota of Banten."""
    for regency in Regency.objects.filter(province_id="36"):
        village = Village.objects.filter(district__regency=regency).order_by("code").first()
        PersonFactory.create_batch(10, village_code=village.code)


def snapshot() -> dict[str, list]:
    return {
        "forums": list(
            Forum.objects.values_list("name", "kind", "level", "regency_id", "parent__name").order_by("name")
        ),
        "terms": list(
            OfficerTerm.objects.values_list(
                "forum__name", "position_id", "person__nik", "start_date", "end_date", "acting"
            ).order_by("forum__name", "position_id", "start_date", "person__nik")
        ),
        "events": list(Event.objects.values_list("title", "kind", "start_date", "regency_id").order_by("title")),
        "participations": sorted(Participation.objects.values_list("event__title", "person__nik", "attended")),
    }


def test_the_demo_has_the_banten_forums_boards_and_events(registry):
    output = run()
    assert "Data demo forum dimuat" in output

    province = Forum.objects.get(name="Forum PSKS Provinsi Banten")
    assert (province.founded_on, province.level) == (dt.date(2022, 11, 21), Forum.Level.PROVINCE)
    assert "Anyer" in province.founding_event
    assert set(province.psks_types.values_list("code", flat=True)) == {"TKSK", "PSM", "PKH", "SAKTI", "KT", "TAGANA"}
    assert Forum.objects.get(name="Forpeksos Banten").founded_on == dt.date(2018, 9, 10)
    assert province.children.count() == 8
    assert set(province.children.values_list("regency_id", flat=True)) == set(
        Regency.objects.filter(province_id="36").values_list("code", flat=True)
    )

    board = queries.vacancy_board(Forum.objects.all(), TODAY)
    assert [(v.forum.regency.name, v.position.code) for v in board.vacancies] == [("Kabupaten Lebak", "bendahara")]
    assert {t.end_date for t in board.ending} == {TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=75)}
    acting = OfficerTerm.objects.current(TODAY).get(acting=True)
    assert acting.position_id == "sekretaris"
    chairs = OfficerTerm.objects.filter(position_id="ketua", forum__regency__isnull=False)
    replaced = chairs.exclude(end_reason="").get()
    successor = chairs.get(forum=replaced.forum, start_date=replaced.end_date + dt.timedelta(days=1))
    assert successor.is_current(TODAY)

    last_year = Event.objects.in_last_months(12, today=TODAY)
    assert Event.objects.count() >= 28
    assert last_year.trainings().count() >= 8
    assert Participation.objects.filter(event__in=last_year.trainings(), certificate=True).exists()
    for participation in Participation.objects.select_related("event", "person"):
        assert participation.event.accepts_person(participation.person)


def test_every_row_passes_its_rules(registry):
    run()
    for model in [Forum, OfficerTerm, Event, Participation]:
        for row in model.objects.all():
            row.full_clean()


def test_a_second_run_creates_nothing(registry):
    run()
    first = snapshot()
    assert "0 forum, 0 masa jabatan, 0 kegiatan, 0 peserta baru" in run()
    assert snapshot() == first


def test_the_same_seed_gives_the_same_demo(registry):
    run("--seed", "7")
    first = snapshot()
    for model in [Participation, Event, OfficerTerm]:
        model.objects.all().delete()
    Forum.objects.filter(parent__isnull=False).delete()
    Forum.objects.all().delete()
    run("--seed", "7")
    assert snapshot() == first


def test_an_empty_registry_is_refused():
    with pytest.raises(CommandError, match="load_demo"):
        run()
