"""Who the volunteer site's case tests act as: a PSM volunteer of Kec. Cipocok Jaya, a neighbour, the TKSK.

Plain functions (not fixtures), so each test module declares the fixtures it needs from them.
"""

from __future__ import annotations

from registry.models import PsksType
from registry.tests.factories import MembershipFactory, PersonFactory, UserFactory

CIPOCOK_JAYA = "36.73.05"


def volunteer(username: str = "ani", full_name: str = "Ani Wulandari"):
    """A PSM volunteer living in Kec. Cipocok Jaya, Kota Serang (36.73), with a login."""
    person = PersonFactory(full_name=full_name, account=UserFactory(username=username))
    MembershipFactory(person=person)
    return person.account


def tksk(full_name: str = "Tono TKSK Cipocok"):
    """The active TKSK of Kec. Cipocok Jaya."""
    person = PersonFactory(full_name=full_name)
    MembershipFactory(person=person, psks_type=PsksType.objects.get(code="TKSK"), district_id=CIPOCOK_JAYA)
    return person
