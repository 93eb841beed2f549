"""`manage.py load_demo_cases`: about 200 demo beneficiaries and their cases across Banten (after `load_demo`).

- Every kabupaten/kota gets cases; Kota Serang (the demo staff login `dinsos.kotaserang` and the volunteer
  `relawan.psm`) gets the most. Statuses from new to closed and rejected, opened 1–200 days ago, each with its
  timeline (report, steps, notes, visits, assignment, referral) written through `cases.services`.
- `relawan.psm` reported some Kota Serang cases and is assigned others.
- Two households in Kota Cilegon enrolled in both the Cilegon local aid (JSCB) and PKH: double aid.
- Look-alike records: "Hj. Siti Aminah" and "Siti Aminah" (same birth date and village), "Muhamad Soleh" and
  "Muhammad Soleh": the duplicate warning and the merge have something to show.

Idempotent: beneficiaries are marked with the demo note; when they exist, nothing is added. Seeded.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import scoping, services
from cases.models import Beneficiary, Case, CaseEntry, Intervention, PmksCategory, Programme
from regions.models import Regency, Village
from registry.models import Institution, Person
from registry.nik import FEMALE, MALE, build_nik

DEFAULT_SEED = 3673
DEMO_NOTE = "Data demo kasus."
KOTA_SERANG, CILEGON = "36.73", "36.72"
FIRST = {
    MALE: ["Ahmad", "Muhammad", "Asep", "Dedi", "Ujang", "Rudi", "Hasan", "Jaenudin", "Sarmadi", "Uci", "Sukri"],
    FEMALE: ["Siti", "Nur", "Euis", "Ratna", "Aminah", "Kartini", "Iyah", "Enah", "Dewi", "Maesaroh", "Sarinah"],
}
LAST = ["Hidayat", "Rohman", "Suryana", "Maulana", "Hasanah", "Jubaedah", "Saputra", "Sholeh", "Wahyudi", "Fatimah"]
CATEGORIES = ["LUT", "LUT", "LUT", "FM", "FM", "PD", "AT", "GLD", "PGM", "KTK", "PRSE", "KBA"]
LOCATIONS = ["Emperan pasar", "Rumah sendiri, tinggal sendirian", "Gubuk di pinggir rel", "Menumpang di rumah tetangga"]
# How far each case goes along the workflow (a share of cases ends at each).
ENDS = [
    (Case.Status.NEW, 25),
    (Case.Status.VERIFIED, 15),
    (Case.Status.ASSESSMENT, 15),
    (Case.Status.INTERVENTION, 20),
    (Case.Status.CLOSED, 20),
    (Case.Status.REJECTED, 5),
]
PATH = [Case.Status.VERIFIED, Case.Status.ASSESSMENT, Case.Status.INTERVENTION, Case.Status.CLOSED]


class Command(BaseCommand):
    help = "Memuat data demo penerima manfaat dan kasus PMKS (jalankan setelah load_demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--count", type=int, default=200)

    def handle(self, *args, seed: int, count: int, **options) -> None:
        if Beneficiary.objects.filter(notes=DEMO_NOTE).exists():
            self.stdout.write("Data demo kasus sudah ada; tidak ada yang ditambahkan.")
            return
        staff = {u.username: u for u in User.objects.filter(username__startswith="dinsos.")}
        if "dinsos.provinsi" not in staff:
            raise CommandError("Login demo belum ada: jalankan `manage.py load_demo` dulu.")
        self.rng = random.Random(seed)  # noqa: S311 (demo data, reproducible)
        self.now = timezone.now()
        self.staff = staff
        self.volunteer = User.objects.filter(username="relawan.psm").select_related("person").first()
        self.categories = {c.code: c for c in PmksCategory.objects.all()}
        self.serial = 9000
        regencies = list(Regency.objects.filter(province_id="36").order_by("code"))
        villages = {r.code: list(Village.objects.filter(district__regency=r).order_by("code")) for r in regencies}
        with transaction.atomic():
            made = 0
            for i in range(count):
                regency = KOTA_SERANG if i % 3 == 0 else regencies[i % len(regencies)].code
                village = self.rng.choice(villages[regency])
                self.make_case(self.new_beneficiary(village), index=i)
                made += 1
            made += self.look_alikes(villages[KOTA_SERANG][0])
            made += self.double_aid(villages[CILEGON])
        self.stdout.write(self.style.SUCCESS(f"{made} kasus demo dimuat."))

    # --- beneficiaries -------------------------------------------------------------------------------------------

    def new_beneficiary(
        self, village: Village, *, name: str = "", sex: str = "", birth: dt.date | None = None, kk: str = ""
    ) -> Beneficiary:
        rng = self.rng
        sex = sex or rng.choice([MALE, FEMALE])
        name = name or f"{rng.choice(FIRST[sex])} {rng.choice(LAST)}"
        estimated = birth is None and rng.random() < 0.2
        birth = birth or dt.date(rng.randint(1935, 2015), rng.randint(1, 12), rng.randint(1, 28))
        if estimated:
            birth = Beneficiary.birth_date_from_age(self.now.year - birth.year)
        self.serial += 1
        with_nik = rng.random() < 0.85
        beneficiary = Beneficiary(
            full_name=name,
            sex=sex,
            birth_date=birth,
            birth_date_estimated=estimated,
            village=village,
            nik=build_nik(village.code[:8], birth, sex, self.serial) if with_nik and not estimated else None,
            kk_number=kk or (f"{village.code[:8].replace('.', '')}{self.serial:010d}" if rng.random() < 0.7 else ""),
            location_description=rng.choice(LOCATIONS),
            dtks_status=rng.choice(["yes", "no", "unknown"]),
            notes=DEMO_NOTE,
        )
        if rng.random() < 0.5:
            beneficiary.decile = rng.randint(1, 5)
            beneficiary.decile_as_of = dt.date(2025, 1, 1)
            beneficiary.decile_source = "dtsen"
        return services.save_beneficiary(beneficiary, user=self.staff_for(village.code[:5]))

    def staff_for(self, regency_code: str) -> User:
        by_regency = {KOTA_SERANG: "dinsos.kotaserang", "36.02": "dinsos.lebak"}
        return self.staff.get(by_regency.get(regency_code, ""), self.staff["dinsos.provinsi"])

    # --- cases ---------------------------------------------------------------------------------------------------

    def make_case(self, beneficiary: Beneficiary, *, index: int, end: str | None = None, category: str = "") -> Case:
        rng = self.rng
        regency = beneficiary.regency_id
        staff = self.staff_for(regency)
        by_volunteer = self.volunteer is not None and regency == KOTA_SERANG and index % 2 == 0
        reporter = self.volunteer if by_volunteer and scoping.can_report_in(self.volunteer, regency) else staff
        category_code = category or ("LUT" if beneficiary.age and beneficiary.age >= 60 else rng.choice(CATEGORIES[3:]))
        case = services.report_case(
            user=reporter,
            beneficiary=beneficiary,
            category=self.categories[category_code],
            description=f"{beneficiary.location_description}. Perlu pendampingan.",
            source=Case.Source.VOLUNTEER if reporter == self.volunteer else rng.choice(["outreach", "public"]),
            priority=rng.choice([1, 2, 2, 2, 3, 4]),
        )
        end = end or rng.choices([e for e, _ in ENDS], [w for _, w in ENDS])[0]
        assignee = self.assignee_for(case)
        if assignee is not None and end != Case.Status.NEW:
            services.assign(case, assignee, user=staff)
        if end == Case.Status.REJECTED:
            case = services.transition(case, end, user=staff, reason="Sudah ditangani keluarga.")
        else:
            for step in PATH[: PATH.index(end) + 1] if end in PATH else []:
                if step == Case.Status.INTERVENTION:
                    self.intervene(case, staff)
                case = services.transition(
                    case, step, user=staff, outcome=rng.choice(["served", "referred", "returned"])
                )
                if step == Case.Status.VERIFIED:
                    services.log_visit(
                        case, user=staff, visited_on=timezone.localdate(), text="Dikunjungi; kondisi sesuai laporan."
                    )
        if rng.random() < 0.3:
            services.add_note(case, user=staff, text="Keluarga dihubungi lewat ketua RT.")
        self.backdate(case, days=rng.randint(1, 200))
        return case

    def assignee_for(self, case: Case) -> Person | None:
        if self.volunteer is not None and case.regency_id == KOTA_SERANG and case.pk % 2:
            person = getattr(self.volunteer, "person", None)
            if person is not None and scoping.assignable_persons(KOTA_SERANG).filter(pk=person.pk).exists():
                return person
        suggested = services.suggested_assignees(case.district_id, case.regency_id)
        allowed = scoping.assignable_persons(case.regency_id)
        for person in suggested:
            if allowed.filter(pk=person.pk).exists():
                return person
        return None

    def intervene(self, case: Case, staff: User) -> None:
        if case.category_id == "LUT":
            lks = Institution.objects.filter(regency_id=case.regency_id, psks_type_id="LKS").order_by("pk").first()
            if lks is not None and self.rng.random() < 0.5:
                target = Intervention(kind=Intervention.Kind.REFERRAL, institution=lks, status="active")
            else:
                target = Intervention(kind=Intervention.Kind.PROGRAMME, programme_id="aslut", status="active")
        else:
            code = self.rng.choice(["pkh", "bpnt", "rehsos", "rtlh"])
            target = Intervention(kind=Intervention.Kind.PROGRAMME, programme_id=code, status="active")
        services.add_intervention(case, user=staff, intervention=target)

    def backdate(self, case: Case, *, days: int) -> None:
        """Demo history: the case opened `days` ago, its steps spread evenly since."""
        opened = self.now - dt.timedelta(days=days, hours=self.rng.randint(0, 12))
        entries = list(CaseEntry.objects.filter(case=case).order_by("at", "pk").values_list("pk", flat=True))
        step = (self.now - opened) / max(len(entries), 1)
        for n, pk in enumerate(entries):
            CaseEntry.objects.filter(pk=pk).update(at=opened + step * n)
        closed = opened + step * (len(entries) - 1) if case.closed_at else None
        Case.objects.filter(pk=case.pk).update(
            opened_at=opened, status_changed_at=opened + step * (len(entries) - 1), closed_at=closed
        )

    # --- look-alikes and double aid ------------------------------------------------------------------------------

    def look_alikes(self, village: Village) -> int:
        birth = dt.date(1948, 8, 17)
        for name in ("Hj. Siti Aminah", "Siti Aminah"):
            self.make_case(
                self.new_beneficiary(village, name=name, sex=FEMALE, birth=birth), index=1, end="new", category="LUT"
            )
        other = dt.date(1952, 1, 5)
        for name in ("Muhamad Soleh", "Muhammad Soleh"):
            self.make_case(
                self.new_beneficiary(village, name=name, sex=MALE, birth=other), index=1, end="verified", category="LUT"
            )
        return 4

    def double_aid(self, villages: list[Village]) -> int:
        if not Programme.objects.filter(pk="jscb", excludes="pkh").exists():
            return 0
        made = 0
        for n in range(2):
            village = villages[n]
            kk = f"{village.code[:8].replace('.', '')}77{n:08d}"
            head = self.new_beneficiary(village, sex=MALE, kk=kk)
            spouse = self.new_beneficiary(village, sex=FEMALE, kk=kk)
            staff = self.staff_for(CILEGON)
            for person, programme in ((head, "jscb"), (spouse, "pkh")):
                case = self.make_case(person, index=n, end="assessment", category="FM")
                services.add_intervention(
                    case,
                    user=staff,
                    intervention=Intervention(
                        kind=Intervention.Kind.PROGRAMME, programme_id=programme, status="active"
                    ),
                )
                made += 1
        return made
