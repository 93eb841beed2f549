import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import RoleAssignment
from audit.models import AccessLog
from cases import scoping, services
from cases.models import Beneficiary, Case, CaseEntry, Intervention, PmksCategory
from cases.names import name_key
from cases.tests.factories import BeneficiaryFactory, CaseFactory, InterventionFactory
from pskshub.scoping import get_visible_or_404, visible
from regions.models import Regency
from registry.tests.factories import LEBAK_VILLAGE, MembershipFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hj. Siti Aminah, S.Pd.", "siti  aminah"),
        ("Muhamad Soeparman", "MUHAMMAD SUPARMAN"),
        ("Moh. Djaelani", "Muhammad Jaelani"),
        ("Achmad Tjiptadi", "Ahmad Ciptadi"),
        ("Sitti Nurhajati", "Siti Nurhayati".replace("y", "j")),
    ],
)
def test_names_that_are_the_same_person_share_a_key(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_keep_different_keys():
    assert name_key("Siti Aminah") != name_key("Siti Amina Rahma")


def _volunteer():
    user = UserFactory()
    PersonFactory(account=user)
    return user


def test_volunteers_see_only_cases_they_reported_or_hold():
    reporter, holder, stranger = _volunteer(), _volunteer(), _volunteer()
    reported = CaseFactory(reported_by=reporter)
    held = CaseFactory(assignee=holder.person)
    assert list(visible(reporter, Case)) == [reported]
    assert list(visible(holder, Case)) == [held]
    assert list(visible(holder, Beneficiary)) == [held.beneficiary]
    with pytest.raises(Http404):
        get_visible_or_404(stranger, Case, pk=reported.pk)
    with pytest.raises(Http404):
        get_visible_or_404(reporter, Beneficiary, pk=held.beneficiary.pk)


def test_staff_see_their_regency_and_forum_officers_see_no_case(serang_staff, lebak_staff, province_staff):
    serang, lebak = CaseFactory(), CaseFactory(beneficiary__village_code=LEBAK_VILLAGE)
    assert list(visible(serang_staff, Case)) == [serang]
    assert list(visible(lebak_staff, Case)) == [lebak]
    assert set(visible(province_staff, Case)) == {serang, lebak}
    officer = RoleFactory(role=RoleAssignment.Role.FORUM_OFFICER, regency=Regency.objects.get(code="36.73")).user
    assert not visible(officer, Case).exists()
    assert not visible(officer, Beneficiary).exists()
    assert scoping.can_see_identity(serang_staff, serang.beneficiary)
    assert not scoping.can_see_identity(lebak_staff, serang.beneficiary)


def test_exact_nik_blocks_and_similar_name_warns():
    existing = BeneficiaryFactory(full_name="Hj. Siti Aminah", birth_date=dt.date(1950, 1, 2))
    found = services.find_duplicates(nik=existing.nik, full_name="x", birth_date=None, village_code=None)
    assert found.same_nik == existing
    found = services.find_duplicates(
        nik=None, full_name="SITI AMINAH", birth_date=dt.date(1950, 1, 2), village_code=existing.village_id
    )
    assert found.similar == [existing]
    elsewhere = services.find_duplicates(
        nik=None, full_name="Siti Aminah", birth_date=dt.date(1950, 1, 2), village_code=LEBAK_VILLAGE
    )
    assert elsewhere.similar == []


def test_merge_moves_cases_fills_blanks_and_logs(serang_staff):
    keep = BeneficiaryFactory(full_name="Siti Aminah", nik=None, kk_number="")
    drop = BeneficiaryFactory(full_name="Siti Aminah", kk_number="3673051203500001")
    case = CaseFactory(beneficiary=drop)
    drop_nik, drop_pk = drop.nik, drop.pk
    services.merge_beneficiaries(keep, drop, user=serang_staff)
    keep.refresh_from_db()
    assert (keep.nik, keep.kk_number) == (drop_nik, "3673051203500001")
    assert not Beneficiary.objects.filter(pk=drop_pk).exists()
    case.refresh_from_db()
    assert case.beneficiary == keep
    assert case.entries.filter(kind=CaseEntry.Kind.MERGE).exists()
    log = AccessLog.objects.get(action=AccessLog.Action.MERGE)
    assert (log.user, log.object_id) == (serang_staff, str(keep.pk))
    assert f"#{drop_pk}" in log.detail


def test_merge_across_scope_is_refused(serang_staff):
    keep, drop = BeneficiaryFactory(), BeneficiaryFactory(village_code=LEBAK_VILLAGE)
    with pytest.raises(PermissionDenied):
        services.merge_beneficiaries(keep, drop, user=serang_staff)
    assert Beneficiary.objects.count() == 2


def test_moving_a_beneficiary_moves_the_region_columns_of_their_cases(serang_staff, province_staff):
    case = CaseFactory()
    beneficiary = case.beneficiary
    beneficiary.village_id = LEBAK_VILLAGE
    services.save_beneficiary(beneficiary, user=province_staff)
    case.refresh_from_db()
    assert (case.regency_id, case.district_id, case.village_id) == ("36.02", "36.02.14", LEBAK_VILLAGE)
    assert not visible(serang_staff, Case).exists()


def test_double_aid_is_flagged_for_the_person_and_the_household():
    a = BeneficiaryFactory(kk_number="3673051203500001")
    b = BeneficiaryFactory(kk_number="3673051203500001")
    local = InterventionFactory(case=CaseFactory(beneficiary=a), programme_id="jscb")
    InterventionFactory(case=CaseFactory(beneficiary=b), programme_id="pkh")
    InterventionFactory(case=CaseFactory(beneficiary=BeneficiaryFactory()), programme_id="jscb")  # no conflict
    assert list(services.double_aid(Intervention.objects.all())) == [local]
    assert [(x.programme_id, y.programme_id) for x, y in services.double_aid_for(a)] == [("jscb", "pkh")]
    Intervention.objects.filter(programme_id="pkh").update(status=Intervention.Status.DONE)
    assert not services.double_aid(Intervention.objects.all()).exists()


def test_report_assign_and_forged_assignee(serang_staff):
    reporter = _volunteer()
    MembershipFactory(person=reporter.person)  # a PSM of Kota Serang
    beneficiary = BeneficiaryFactory()
    case = services.report_case(
        user=reporter,
        beneficiary=beneficiary,
        category=PmksCategory.objects.get(code="LUT"),
        description="Nenek tanpa KTP",
    )
    assert case.regency_id == "36.73"
    assert case.entries.get().kind == CaseEntry.Kind.REPORTED
    outsider = PersonFactory(village_code=LEBAK_VILLAGE)
    MembershipFactory(person=outsider)
    with pytest.raises(ValidationError, match="bukan relawan aktif"):
        services.assign(case, outsider, user=serang_staff)
    services.assign(case, reporter.person, user=serang_staff)
    assert case.entries.filter(kind=CaseEntry.Kind.ASSIGNMENT).count() == 1
    lebak_beneficiary = BeneficiaryFactory(village_code=LEBAK_VILLAGE)
    with pytest.raises(ValidationError, match="di luar wilayah tugas"):
        services.report_case(user=reporter, beneficiary=lebak_beneficiary, category=case.category, description="x")


def test_save_beneficiary_refuses_a_stale_version_under_the_lock(serang_staff, province_staff):
    from registry.services import StaleRecord

    b = services.save_beneficiary(BeneficiaryFactory.build(nik=None), user=serang_staff)
    stale = Beneficiary.objects.get(pk=b.pk)
    b.notes = "dicek ulang"
    services.save_beneficiary(b, user=province_staff, expected_version=1)
    stale.notes = "menimpa"
    with pytest.raises(StaleRecord):
        services.save_beneficiary(stale, user=serang_staff, expected_version=1)
    b.refresh_from_db()
    assert (b.notes, b.version) == ("dicek ulang", 2)
