"""factory_boy factories for the registry; regions come from the real Banten data loaded per session."""

from __future__ import annotations

import datetime as dt

import factory

from accounts.models import RoleAssignment, User
from regions.models import Village
from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.nik import FEMALE, MALE, build_nik

# Real villages: Kota Serang (Kec. Cipocok Jaya) and Kabupaten Lebak (Kel. Rangkasbitung Barat).
SERANG_VILLAGE = "36.73.05.1001"
LEBAK_VILLAGE = "36.02.14.1002"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("rahasia-uji-123")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = RoleAssignment.Role.PROVINCE_STAFF
    regency = None


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        village_code = SERANG_VILLAGE

    full_name = factory.Sequence(lambda n: f"Relawan Uji {n}")
    sex = MALE
    birth_place = "Serang"
    birth_date = dt.date(1985, 3, 12)
    village = factory.LazyAttribute(lambda p: Village.objects.get(code=p.village_code))
    address = "Jl. Uji No. 1, RT 01/RW 02"
    nik = factory.LazyAttributeSequence(lambda p, n: build_nik(p.village_code[:8], p.birth_date, p.sex, 1 + n % 9999))
    verification = Verification.VERIFIED

    @classmethod
    def female(cls, **kwargs) -> Person:
        return cls(sex=FEMALE, **kwargs)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    class Params:
        village_code = SERANG_VILLAGE

    psks_type = factory.LazyFunction(lambda: PsksType.objects.get(code="LKS"))
    name = factory.Sequence(lambda n: f"LKS Uji {n}")
    village = factory.LazyAttribute(lambda i: Village.objects.get(code=i.village_code))
    address = "Jl. Lembaga No. 2"
    verification = Verification.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    psks_type = factory.LazyFunction(lambda: PsksType.objects.get(code="PSM"))
    start_date = dt.date(2023, 1, 2)
    verification = Verification.VERIFIED
