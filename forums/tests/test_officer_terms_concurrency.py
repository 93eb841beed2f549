"""Two officers saving a Ketua for the same dates at the same moment: the forum's row lock lets only one through.

PostgreSQL only (SQLite runs one write transaction at a time). The test's own connection sits in the test's
transaction, so every write here runs in a thread of its own (its own connection, committed), and the rows
are deleted at the end.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from forums import services
from forums.models import Forum, OfficerTerm
from registry.models import Person
from registry.tests.factories import PersonFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db,
]


def threaded(func, *args) -> threading.Thread:
    def run() -> None:
        try:
            func(*args)
        finally:
            connection.close()

    return threading.Thread(target=run)


def in_thread(func):
    """Run `func` on a connection of its own (autocommit) and return its result."""
    result = {}
    thread = threaded(lambda: result.update(value=func()))
    thread.start()
    thread.join(10)
    return result["value"]


def create_rows():
    forum = Forum.objects.create(name="Forum Uji Serentak", kind="forum_psks", level="regency", regency_id="36.73")
    return forum, [PersonFactory(), PersonFactory()], UserFactory(username="uji-serentak")


def delete_rows(forum, persons, user) -> None:
    """The rows and then their history: a deletion writes a history row too (other tests count them)."""
    terms = list(OfficerTerm.objects.filter(forum=forum).values_list("pk", flat=True))
    OfficerTerm.objects.filter(forum=forum).delete()
    OfficerTerm.history.filter(id__in=terms).delete()
    forum_id = forum.pk
    forum.delete()
    Forum.history.filter(id=forum_id).delete()
    Person.objects.filter(pk__in=[p.pk for p in persons]).delete()
    Person.history.filter(id__in=[p.pk for p in persons]).delete()
    user.delete()


def test_concurrent_overlapping_chairs_one_wins():
    forum, persons, user = in_thread(create_rows)
    first_checked = threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                term = OfficerTerm(forum=forum, position_id="ketua", person=persons[0], start_date=dt.date(2025, 1, 1))
                services.officer_term_save(term=term, acting_user=user)
                first_checked.set()
                time.sleep(0.5)  # still holding the forum's lock: the second save must wait for the commit
            outcome["first"] = "saved"
        finally:
            first_checked.set()

    def second() -> None:
        first_checked.wait(5)
        term = OfficerTerm(forum=forum, position_id="ketua", person=persons[1], start_date=dt.date(2025, 6, 1))
        try:
            services.officer_term_save(term=term, acting_user=user)
            outcome["second"] = "saved"
        except ValidationError as exc:
            outcome["second"] = exc.message_dict["start_date"][0]

    try:
        threads = [threaded(first), threaded(second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert outcome["first"] == "saved"
        assert outcome["second"].startswith("Jabatan Ketua sudah dipegang")
        assert in_thread(lambda: OfficerTerm.objects.filter(forum=forum).count()) == 1
    finally:
        in_thread(lambda: delete_rows(forum, persons, user))
