"""Inviting a person to log in (admin action on Person) and accepting the one-time link."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import User
from accounts.tests.helpers import PASSWORD, attempt_login, logged_in
from accounts.tokens import invitation_token_generator
from registry.models import Person
from registry.tests.factories import LEBAK_VILLAGE, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kelapa-Muda-2024!"
CHANGELIST = reverse("admin:registry_person_changelist")


@pytest.fixture
def siti():
    """A Kota Serang volunteer without a login yet."""
    return PersonFactory(full_name="Siti Nurhaliza", email="siti@example.org", phone="+6281298765432")


def invite(client, *persons) -> list:
    response = client.post(
        CHANGELIST, {"action": "invite_persons", "_selected_action": [p.pk for p in persons]}, follow=True
    )
    assert response.status_code == 200
    return list(response.context["messages"])


def link_in(text: str) -> str:
    match = re.search(r"http://testserver(/akun/undangan/[^/\s]+/[^/\s]+/)", text)
    assert match, text
    return match.group(1)


def test_invitation_makes_a_login_and_shows_a_copyable_link(client, serang_staff, siti, caplog):
    client.force_login(serang_staff)

    with caplog.at_level(logging.INFO, logger="pskshub.accounts"):
        [message] = invite(client, siti)

    assert message.level_tag == "success"
    assert "Siti Nurhaliza" in message.message
    assert "72 jam" in message.message
    path = link_in(message.message)
    siti.refresh_from_db()
    user = siti.account
    assert user.username == siti.nik
    assert (user.email, user.first_name, user.last_name) == ("siti@example.org", "Siti", "Nurhaliza")
    assert not user.has_usable_password()
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert f"Invitation made for person {siti.pk} (user {user.pk}, new login) by user {serang_staff.pk}" in caplog.text
    assert token not in caplog.text
    # The person's history records who linked the login.
    assert siti.history.first().history_user == serang_staff


def test_invitation_link_is_shown_whole_in_the_admin_page(client, serang_staff, siti):
    """Plain text in the message: nothing escaped or wrapped, so the officer can select and copy it."""
    client.force_login(serang_staff)
    response = client.post(CHANGELIST, {"action": "invite_persons", "_selected_action": [siti.pk]}, follow=True)

    assert re.search(r"Tautan: http://testserver/akun/undangan/[\w-]+/[\w-]+/", response.text)


def test_invitation_is_emailed_when_the_person_has_an_email(client, serang_staff, siti):
    client.force_login(serang_staff)

    [message] = invite(client, siti)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["siti@example.org"]
    assert "Undangan login PSKS Hub" in email.subject
    assert f"http://testserver{link_in(message.message)}" in email.body
    assert "siti@example.org" in message.message


def test_no_email_for_a_person_without_one(client, serang_staff):
    person = PersonFactory(email="")
    client.force_login(serang_staff)

    [message] = invite(client, person)

    assert message.level_tag == "success"
    assert mail.outbox == []


def test_link_sets_a_password_logs_in_and_works_once(client, serang_staff, siti, caplog):
    client.force_login(serang_staff)
    path = link_in(invite(client, siti)[0].message)
    volunteer_browser = Client()

    assert volunteer_browser.get(path).status_code == 200
    assert volunteer_browser.get(path).status_code == 200  # looking (or a link preview) does not use it up
    response = volunteer_browser.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in(response)
    assert response.wsgi_request.user.pk == Person.objects.get(pk=siti.pk).account_id
    user = User.objects.get(username=siti.nik)
    assert user.check_password(NEW_PASSWORD)
    assert logged_in(attempt_login(siti.nik, NEW_PASSWORD))

    # Second use: refused with a clear message, nothing changed, logged.
    with caplog.at_level(logging.WARNING, logger="pskshub.accounts"):
        again = Client().post(path, {"new_password1": "Lain-Lagi-2025!", "new_password2": "Lain-Lagi-2025!"})
    assert again.status_code == 400
    assert "Tautan undangan tidak berlaku lagi" in again.text
    assert "petugas Dinas Sosial" in again.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "Invitation link refused" in caplog.text


def test_expired_link_is_refused(client, serang_staff, siti, monkeypatch, caplog):
    client.force_login(serang_staff)
    path = link_in(invite(client, siti)[0].message)
    real_now = invitation_token_generator._now
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: real_now() + dt.timedelta(hours=72, minutes=1))

    with caplog.at_level(logging.WARNING, logger="pskshub.accounts"):
        response = Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 400
    assert "Tautan undangan tidak berlaku lagi" in response.text
    assert not User.objects.get(pk=Person.objects.get(pk=siti.pk).account_id).has_usable_password()
    assert "Invitation link refused" in caplog.text


def test_link_still_works_just_before_72_hours(client, serang_staff, siti, monkeypatch):
    client.force_login(serang_staff)
    path = link_in(invite(client, siti)[0].message)
    real_now = invitation_token_generator._now
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: real_now() + dt.timedelta(hours=71, minutes=59))

    assert Client().get(path).status_code == 200


def test_weak_password_is_refused_with_djangos_validator_messages(client, serang_staff, siti):
    client.force_login(serang_staff)
    path = link_in(invite(client, siti)[0].message)

    response = Client().post(path, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum." in response.text
    assert "Kata sandi ini seluruhnya terdiri dari angka." in response.text
    siti.refresh_from_db()
    assert not siti.account.has_usable_password()
    assert Client().get(path).status_code == 200  # the link is still good


def test_a_new_invitation_voids_the_earlier_link(client, serang_staff, siti):
    client.force_login(serang_staff)
    first = link_in(invite(client, siti)[0].message)
    second = link_in(invite(client, siti)[0].message)

    assert Client().get(first).status_code == 400
    assert Client().get(second).status_code == 200
    assert User.objects.filter(username=siti.nik).count() == 1


def test_reset_token_is_not_an_invitation_token(siti, serang_staff):
    invitation = services.person_invite(person=siti, acting_user=serang_staff)
    user = invitation.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    reset_token = default_token_generator.make_token(user)
    response = Client().get(reverse("accounts:invitation_accept", args=[uid, reset_token]))

    assert response.status_code == 400
    assert invitation.link.startswith("/akun/undangan/")  # no request: a path, and no email
    assert invitation.emailed_to == ""


def test_officer_opening_the_link_does_not_become_the_volunteer(client, serang_staff, siti):
    client.force_login(serang_staff)
    path = link_in(invite(client, siti)[0].message)

    get = client.get(path)
    post = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert get.status_code == post.status_code == 403
    assert "tautan undangan ini untuk orang lain" in " ".join(post.text.split())
    siti.refresh_from_db()
    assert not siti.account.has_usable_password()
    assert Client().get(path).status_code == 200


def test_invitation_page_405_for_wrong_method(client, serang_staff, siti):
    invitation = services.person_invite(person=siti, acting_user=serang_staff)

    assert client.put(invitation.link).status_code == 405


def test_garbage_link_is_refused(client):
    assert client.get(reverse("accounts:invitation_accept", args=["zzz", "1-abc"])).status_code == 400


# --- who may be invited --------------------------------------------------------------------------------------------


def test_regency_staff_cannot_invite_a_person_of_another_regency(client, serang_staff):
    lebak_person = PersonFactory(village_code=LEBAK_VILLAGE, email="asep@example.org")
    client.force_login(serang_staff)

    response = client.post(CHANGELIST, {"action": "invite_persons", "_selected_action": [lebak_person.pk]})

    assert response.status_code in (200, 302)
    lebak_person.refresh_from_db()
    assert lebak_person.account is None
    assert not User.objects.filter(username=lebak_person.nik).exists()
    assert mail.outbox == []


def test_service_refuses_a_person_out_of_the_officers_regencies(serang_staff):
    lebak_person = PersonFactory(village_code=LEBAK_VILLAGE)

    with pytest.raises(services.InvitationRefused) as refused:
        services.person_invite(person=lebak_person, acting_user=serang_staff)

    assert refused.value.code == "out_of_scope"
    assert not User.objects.filter(username=lebak_person.nik).exists()


def test_lebak_staff_invite_lebak_persons(client, lebak_staff):
    lebak_person = PersonFactory(village_code=LEBAK_VILLAGE)
    client.force_login(lebak_staff)

    [message] = invite(client, lebak_person)

    assert message.level_tag == "success"
    lebak_person.refresh_from_db()
    assert lebak_person.account is not None


def test_inactive_person_is_refused(client, serang_staff):
    person = PersonFactory(
        status=Person.Status.INACTIVE, status_date=dt.date(2024, 1, 2), status_reason="Mengundurkan diri"
    )
    client.force_login(serang_staff)

    [message] = invite(client, person)

    assert message.level_tag == "error"
    assert "hanya relawan aktif" in message.message
    person.refresh_from_db()
    assert person.account is None


def test_person_whose_login_has_a_password_is_refused(client, serang_staff, caplog):
    person = PersonFactory(account=UserFactory(username="sudah-punya"))
    client.force_login(serang_staff)

    with caplog.at_level(logging.WARNING, logger="pskshub.accounts"):
        [message] = invite(client, person)

    assert message.level_tag == "error"
    assert "Lupa kata sandi" in message.message
    person.account.refresh_from_db()
    assert person.account.check_password(PASSWORD)
    assert f"Invitation refused (has_password) for person {person.pk}" in caplog.text


def test_deactivated_login_is_refused(client, serang_staff, siti):
    invitation = services.person_invite(person=siti, acting_user=serang_staff)
    User.objects.filter(pk=invitation.user.pk).update(is_active=False)
    client.force_login(serang_staff)

    [message] = invite(client, siti)

    assert message.level_tag == "error"
    assert "dinonaktifkan" in message.message
    assert Client().get(invitation.link).status_code == 400  # a deactivated login's link is dead too


def test_nik_taken_as_another_logins_username_is_refused(client, serang_staff, siti):
    UserFactory(username=siti.nik)
    client.force_login(serang_staff)

    [message] = invite(client, siti)

    assert message.level_tag == "error"
    siti.refresh_from_db()
    assert siti.account is None


def test_several_persons_at_once(client, province_staff, siti):
    other = PersonFactory(village_code=LEBAK_VILLAGE)
    client.force_login(province_staff)

    messages = invite(client, siti, other)

    assert [m.level_tag for m in messages] == ["success", "success"]
    assert len({link_in(m.message) for m in messages}) == 2


def test_no_role_user_cannot_use_the_action(client, no_role_user, siti):
    client.force_login(no_role_user)

    response = client.post(CHANGELIST, {"action": "invite_persons", "_selected_action": [siti.pk]})

    assert response.status_code == 302  # to the admin login
    siti.refresh_from_db()
    assert siti.account is None


def test_action_is_offered_on_the_person_list(client, serang_staff, siti):
    client.force_login(serang_staff)

    response = client.get(CHANGELIST)

    assert '<option value="invite_persons">Undang login relawan</option>' in response.text


def test_too_many_persons_at_once_invites_nobody(client, serang_staff, monkeypatch):
    monkeypatch.setattr("accounts.admin_actions.MAX_INVITATIONS_PER_ACTION", 2)
    persons = PersonFactory.create_batch(3)
    client.force_login(serang_staff)

    [message] = invite(client, *persons)

    assert message.level_tag == "error"
    assert "paling banyak 2 relawan" in message.message
    assert not User.objects.filter(username__in=[p.nik for p in persons]).exists()
