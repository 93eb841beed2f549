"""`manage.py load_demo`: a realistic, reproducible, idempotent demo registry and its logins.

The demo set is loaded once for this module (committed outside the per-test transactions, deleted
at the end); each test runs in its own transaction, so tests that delete or reload rows undo it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from accounts.models import RoleAssignment, User
from regions.models import District, Regency
from registry.management.commands import load_demo
from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.nik import nik_warnings, parse_nik

pytestmark = pytest.mark.django_db

PASSWORD = load_demo.DEFAULT_PASSWORD


def run_load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def delete_demo_registry() -> None:
    Membership.objects.all().delete()
    Institution.objects.all().delete()
    Person.objects.all().delete()


def snapshot() -> dict[str, list]:
    """What a run produced, independent of primary keys and creation times."""
    persons = Person.objects.values_list(
        "nik", "full_name", "sex", "birth_date", "village_id", "address", "phone", "education", "status"
    )
    institutions = Institution.objects.values_list(
        "registration_number", "name", "psks_type_id", "village_id", "accreditation", "chair__nik"
    )
    memberships = Membership.objects.values_list(
        "person__nik",
        "psks_type_id",
        "institution__registration_number",
        "district_id",
        "regency_id",
        "membership_number",
        "start_date",
        "status",
    )
    return {
        "persons": sorted(persons, key=repr),
        "institutions": sorted(institutions, key=repr),
        "memberships": sorted(memberships, key=repr),
    }


def total_created(output: str) -> int:
    match = re.search(r"^Total: (\d+) created$", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    """One committed demo load for the module; afterwards exactly the rows it added are deleted, history too
    (other tests on this worker count history rows)."""
    models = [Membership, Institution, Person, User]  # in an order that deletion allows
    histories = [model.history.model for model in models if hasattr(model, "history")]
    with django_db_blocker.unblock():
        before = {model: set(model._default_manager.values_list("pk", flat=True)) for model in models + histories}
        output = run_load_demo()
    yield output
    with django_db_blocker.unblock():
        for model in models + histories:  # the deletions write history rows: those go last
            model._default_manager.exclude(pk__in=before[model]).delete()


def test_counts_are_in_the_expected_ranges(demo_output):
    assert 500 <= Person.objects.count() <= 800
    assert 50 <= Institution.objects.count() <= 100
    assert Membership.objects.count() >= Person.objects.count()
    assert total_created(demo_output) > 1000


def test_every_psks_type_is_present(demo_output):
    for psks_type in PsksType.objects.all():
        if psks_type.is_institutional:
            assert Institution.objects.filter(psks_type=psks_type).exists(), psks_type.code
        else:
            assert Membership.objects.filter(psks_type=psks_type, institution=None).exists(), psks_type.code


def test_most_kecamatan_have_exactly_one_active_tksk_who_lives_there(demo_output):
    active = Membership.objects.filter(psks_type="TKSK", status=Membership.Status.ACTIVE)
    per_district = active.values("district_id").annotate(n=Count("id"))

    assert len(per_district) >= 0.8 * District.objects.count()
    assert {row["n"] for row in per_district} == {1}
    assert all(m.person.district_id == m.district_id for m in active.select_related("person"))


def test_memberships_carry_their_type_details(demo_output):
    tagana = Membership.objects.filter(psks_type="TAGANA")
    numbers = [m.membership_number for m in tagana]
    assert all(numbers)
    assert len(set(numbers)) == len(numbers)
    assert not tagana.filter(regency=None).exists()
    assert not Membership.objects.filter(psks_type__in=["PKH", "TKSK"], district=None).exists()
    psm = Membership.objects.filter(psks_type="PSM")
    assert psm.count() >= 100
    assert 0 < psm.exclude(membership_number="").count() < psm.count()  # KTA for some
    assert not Membership.objects.filter(psks_type="TKSK").filter(decree_number="").exists()
    ended = Membership.objects.filter(status=Membership.Status.ENDED)
    assert ended.exists()
    assert not ended.filter(end_date=None).exists()


def test_every_regency_has_persons_and_institutions(demo_output):
    codes = set(Regency.objects.values_list("code", flat=True))
    assert len(codes) == 8
    assert set(Person.objects.values_list("regency_id", flat=True)) == codes
    assert set(Institution.objects.values_list("regency_id", flat=True)) == codes


def test_niks_fit_the_persons_kecamatan_sex_and_birth_date(demo_output):
    persons = list(Person.objects.all())
    assert len({p.nik for p in persons}) == len(persons)
    for person in persons:
        info = parse_nik(person.nik)
        assert info.district_prefix == person.district_id.replace(".", ""), person.nik
        assert nik_warnings(info, sex=person.sex, birth_date=person.birth_date) == [], person.nik
        assert 18 <= load_demo.age_on(person.birth_date, load_demo.AS_OF) <= 65


def test_every_record_passes_full_clean(demo_output):
    failures = []
    querysets = [
        Person.objects.select_related("village"),
        Institution.objects.select_related("psks_type"),
        Membership.objects.select_related("person", "psks_type", "institution__psks_type", "district"),
    ]
    for queryset in querysets:
        for obj in queryset:
            try:
                obj.full_clean()
            except Exception as exc:  # noqa: BLE001 - collect every failure, then report them all
                failures.append(f"{obj._meta.model_name} {obj.pk} {obj}: {exc}")
    assert failures == []


def test_persons_look_like_banten_volunteers(demo_output):
    persons = list(Person.objects.all())
    phones = [p.phone for p in persons if p.phone]
    assert len(phones) > 0.8 * len(persons)
    assert all(re.fullmatch(r"\+628\d{8,11}", phone) for phone in phones)
    assert all(re.search(r"RT \d{3}/RW \d{3}$", p.address) for p in persons)
    assert any(p.address.startswith("Kp. ") for p in persons)
    assert not any("Uji" in p.full_name for p in persons)
    assert {p.sex for p in persons} == {"L", "P"}
    assert len({p.education for p in persons}) >= 5
    statuses = Counter(p.status for p in persons)
    assert statuses[Person.Status.ACTIVE] > 0.85 * len(persons)
    assert statuses[Person.Status.INACTIVE] > 0
    assert statuses[Person.Status.MOVED] > 0
    retired = [p for p in persons if p.status != Person.Status.ACTIVE]
    assert all(p.status_date and p.status_reason for p in retired)
    verification = Counter(p.verification for p in persons)
    assert verification[Verification.VERIFIED] > 0.7 * len(persons)
    assert verification[Verification.UNVERIFIED] > 0


def test_institutions_have_chairs_rosters_and_service_fields(demo_output):
    institutions = list(Institution.objects.prefetch_related("service_fields", "memberships"))
    assert sum(1 for i in institutions if i.chair_id) > len(institutions) / 2
    assert all(i.service_fields.all() for i in institutions)
    assert all(i.registration_number for i in institutions)
    assert all(m.psks_type_id == i.psks_type_id for i in institutions for m in i.memberships.all())
    assert sum(1 for i in institutions if i.memberships.all()) > 0.9 * len(institutions)
    for kt in (i for i in institutions if i.psks_type_id == "KT"):
        assert kt.name == f"Karang Taruna {kt.village.name}"
    accredited = [i for i in institutions if i.accreditation in Institution.ACCREDITATION_YEARS]
    assert accredited
    assert all(i.accreditation_date and i.accreditation_valid_until for i in accredited)


def test_same_seed_gives_the_same_data_and_another_seed_other_data(demo_output):
    first = snapshot()
    delete_demo_registry()

    run_load_demo()
    assert snapshot() == first

    delete_demo_registry()
    run_load_demo("--seed", "7")
    other_niks = {row[0] for row in snapshot()["persons"]}
    assert len(other_niks & {row[0] for row in first["persons"]}) < 10


def test_second_run_creates_nothing(demo_output):
    before = snapshot()

    output = run_load_demo()

    assert total_created(output) == 0
    assert re.search(r"relawan \(persons\)\s+0 created, \d+ already present", output)
    assert snapshot() == before


def test_a_failure_leaves_nothing_half_written(demo_output, monkeypatch):
    delete_demo_registry()

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(load_demo, "save_memberships", fail)
    with pytest.raises(RuntimeError):
        run_load_demo()

    assert not Person.objects.exists()
    assert not Institution.objects.exists()


def test_without_regions_it_asks_for_load_regions(db, settings):
    settings.PROVINCE_CODE = "11"  # Aceh: not loaded in the test database
    with pytest.raises(CommandError, match="load_regions"):
        run_load_demo()


def test_logins_have_their_roles(demo_output):
    roles = {(a.user.username, a.role, a.regency_id) for a in RoleAssignment.objects.select_related("user")}
    assert roles >= {
        ("dinsos.provinsi", RoleAssignment.Role.PROVINCE_STAFF, None),
        ("dinsos.kotaserang", RoleAssignment.Role.REGENCY_STAFF, "36.73"),
        ("dinsos.lebak", RoleAssignment.Role.REGENCY_STAFF, "36.02"),
        ("forum.serang", RoleAssignment.Role.FORUM_OFFICER, "36.04"),
        ("koordinator.kt", RoleAssignment.Role.UNIT_COORDINATOR, None),
    }


def test_volunteer_and_coordinator_logins_are_linked_to_demo_persons(demo_output):
    volunteer = Person.objects.get(account__username="relawan.psm")
    assert volunteer.regency_id == "36.73"
    assert volunteer.memberships.filter(psks_type="PSM", status="active", verification="verified").exists()

    coordinator = RoleAssignment.objects.select_related("user", "institution").get(user__username="koordinator.kt")
    assert coordinator.role == RoleAssignment.Role.UNIT_COORDINATOR
    assert coordinator.institution.psks_type_id == "KT"
    assert coordinator.institution.regency_id == "36.73"
    assert Person.objects.get(account=coordinator.user) == coordinator.institution.chair


def test_demo_records_have_a_history_naming_the_provincial_login(demo_output):
    person = Person.objects.filter(verification="verified").first()
    entry = person.history.get()
    assert entry.history_type == "+"
    assert entry.history_user.username == "dinsos.provinsi"


def test_output_lists_the_logins(demo_output):
    assert "http://127.0.0.1:8000/admin/" in demo_output
    for username, region in [
        ("dinsos.provinsi", "Provinsi Banten"),
        ("dinsos.kotaserang", "Kota Serang"),
        ("dinsos.lebak", "Kabupaten Lebak"),
        ("forum.serang", "Kabupaten Serang"),
    ]:
        line = next(line for line in demo_output.splitlines() if line.strip().startswith(username))
        assert PASSWORD in line
        assert region in line


def log_in(client, username: str) -> None:
    """Through the login page, as a person would (django-axes watches it)."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text


def test_provincial_login_opens_the_admin(client, demo_output):
    log_in(client, "dinsos.provinsi")

    assert client.get("/admin/").status_code == 200


def test_kota_serang_staff_sees_only_kota_serang_persons(client, demo_output):
    log_in(client, "dinsos.kotaserang")

    response = client.get(reverse("admin:registry_person_changelist"))

    assert response.status_code == 200
    shown = response.context["cl"].queryset
    assert set(shown.values_list("regency_id", flat=True)) == {"36.73"}
    assert shown.count() == Person.objects.filter(regency_id="36.73").count() > 0


def test_existing_logins_keep_their_password_unless_reset(demo_output):
    lebak = User.objects.get(username="dinsos.lebak")
    lebak.set_password("kata-sandi-sendiri-99")
    lebak.save()

    output = run_load_demo()
    lebak.refresh_from_db()
    assert lebak.check_password("kata-sandi-sendiri-99")
    assert re.search(r"dinsos\.lebak\s+\(changed\)", output)

    output = run_load_demo("--reset-passwords", "--password", "sandi-demo-baru-7")
    lebak.refresh_from_db()
    assert lebak.check_password("sandi-demo-baru-7")
    assert User.objects.get(username="dinsos.provinsi").check_password("sandi-demo-baru-7")
    assert total_created(output) == 0
