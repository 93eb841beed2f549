"""factory_boy factories for beneficiaries and cases; region columns are derived by the models' save()."""

from __future__ import annotations

import datetime as dt

import factory

from cases.models import Beneficiary, Case, CaseEntry, Intervention, PmksCategory
from cases.services import refresh_households
from regions.models import Village
from registry.nik import FEMALE, build_nik
from registry.tests.factories import SERANG_VILLAGE


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    class Params:
        village_code = SERANG_VILLAGE

    full_name = factory.Sequence(lambda n: f"Penerima Uji {n}")
    sex = FEMALE
    birth_date = dt.date(1948, 5, 17)
    village = factory.LazyAttribute(lambda b: Village.objects.get(code=b.village_code))
    nik = factory.LazyAttributeSequence(lambda b, n: build_nik(b.village_code[:8], b.birth_date, b.sex, 1 + n % 9999))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved, then its household marked, as `services.save_beneficiary` does (no query without a No. KK)."""
        beneficiary = super()._create(model_class, *args, **kwargs)
        if beneficiary.kk_number:
            refresh_households([beneficiary.kk_number], [beneficiary.pk])
            beneficiary.refresh_from_db(fields=["represented_by"])
        return beneficiary


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in status `new` with its report entry, like `services.report_case` makes."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    category = factory.LazyFunction(lambda: PmksCategory.objects.get(code="LUT"))
    description = "Ditemukan tidur di emperan pasar."
    village = factory.LazyAttribute(lambda c: c.beneficiary.village)
    district_id = factory.LazyAttribute(lambda c: c.beneficiary.district_id)
    regency_id = factory.LazyAttribute(lambda c: c.beneficiary.regency_id)

    @factory.post_generation
    def report_entry(self, create, extracted, **kwargs):
        if create:
            CaseEntry.objects.create(
                case=self, kind=CaseEntry.Kind.REPORTED, author=self.reported_by, text=self.description, to_status="new"
            )


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    case = factory.SubFactory(CaseFactory)
    beneficiary = factory.LazyAttribute(lambda i: i.case.beneficiary)
    kind = Intervention.Kind.PROGRAMME
    programme_id = "pkh"
    status = Intervention.Status.ACTIVE
