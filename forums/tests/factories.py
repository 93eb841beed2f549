"""factory_boy factories for forums; persons come from `registry.tests.factories`."""

from __future__ import annotations

import datetime as dt

import factory

from forums.models import Event, Forum, OfficerTerm, Participation
from registry.tests.factories import PersonFactory

# A PDF as small as a valid one gets: the header is what the upload check reads.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ForumFactory(factory.django.DjangoModelFactory):
    """A regency-level Forum PSKS of Kota Serang (36.73); `ForumFactory.province()` for the province forum."""

    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: f"Forum PSKS Uji {n}")
    kind = Forum.Kind.FORUM_PSKS
    level = Forum.Level.REGENCY
    regency_id = "36.73"
    founded_on = dt.date(2023, 2, 1)

    @classmethod
    def province(cls, **kwargs) -> Forum:
        return cls(
            level=Forum.Level.PROVINCE, regency_id=None, name=kwargs.pop("name", "Forum PSKS Provinsi Banten"), **kwargs
        )


class OfficerTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerTerm

    forum = factory.SubFactory(ForumFactory)
    position_id = "ketua"
    person = factory.SubFactory(PersonFactory)
    start_date = dt.date(2023, 2, 1)
    end_date = dt.date(2028, 1, 31)


class EventFactory(factory.django.DjangoModelFactory):
    """An event of Dinsos Kota Serang (36.73)."""

    class Meta:
        model = Event

    kind = Event.Kind.BIMTEK
    title = factory.Sequence(lambda n: f"Bimtek Uji {n}")
    organiser_regency_id = "36.73"
    start_date = dt.date(2025, 6, 10)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
