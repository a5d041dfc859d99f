"""Invitation and reset links: signed, single purpose, single use, expiring."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lcv.accounts.services import invite_person
from lcv.accounts.tokens import TokenState, invitation_tokens, reset_tokens
from lcv.audit.models import AuditEvent
from lcv.organisations.models import Membership, Role
from lcv.testing.factories import make_organisation, make_user, member

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "lange-zin-van-woorden-42"


def link_from_last_mail() -> str:
    match = re.search(r"http://\S+", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def set_password_via(client, path: str):
    first = client.get(path)
    assert first.status_code == 302  # token moved into the session, out of the URL
    form_url = first["Location"]
    assert "instellen" in form_url
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_invitation_creates_person_and_mails_a_link_that_works_once(client, django_capture_on_commit_callbacks):
    organisation = make_organisation()
    with django_capture_on_commit_callbacks(execute=True):
        user = invite_person(
            organisation=organisation, email="Nieuw@Voorbeeld.nl", full_name="Nieuwe Persoon", roles=[Role.CONTACT]
        )
    assert user.email == "nieuw@voorbeeld.nl"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Uitnodiging voor het LCV-portaal"
    path = link_from_last_mail()
    response = set_password_via(client, path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # second use: refused, with an offer of a new link
    again = client.get(path)
    assert again.status_code == 410
    assert "Deze link werkt niet meer" in again.content.decode()
    assert reverse("accounts:password_reset") in again.content.decode()


def test_invitation_with_a_second_signatory_creates_nobody(django_capture_on_commit_callbacks):
    organisation = make_organisation()
    member(organisation, "signatory")
    with pytest.raises(Exception), django_capture_on_commit_callbacks(execute=True):  # noqa: B017, PT011
        invite_person(organisation=organisation, email="twee@voorbeeld.nl", full_name="Twee", roles=[Role.SIGNATORY])
    assert not Membership.objects.filter(user__email="twee@voorbeeld.nl").exists()
    assert len(mail.outbox) == 0


def test_reset_link_works_once(client, reset_password_of):
    user = make_user(email="reset@voorbeeld.nl")
    reset_password_of("RESET@voorbeeld.nl")
    path = link_from_last_mail()
    assert set_password_via(client, path).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(path).status_code == 410


def test_reset_link_expires():
    user = make_user()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = reset_tokens.make_token(user)
        assert reset_tokens.state(user, token) is TokenState.VALID
        traveller.shift(60 * 60 * 2 + 5)
        assert reset_tokens.state(user, token) is TokenState.EXPIRED


def test_invitation_link_lives_a_week_and_then_expires(client):
    user = make_user()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = invitation_tokens.make_token(user)
        traveller.shift(60 * 60 * 24 * 6)
        assert invitation_tokens.state(user, token) is TokenState.VALID
        traveller.shift(60 * 60 * 24 * 2)
        assert invitation_tokens.state(user, token) is TokenState.EXPIRED


def test_an_expired_link_says_so(client, settings, reset_password_of):
    settings.PASSWORD_RESET_TIMEOUT = 60
    make_user(email="laat@voorbeeld.nl")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        reset_password_of("laat@voorbeeld.nl")
        path = link_from_last_mail()
        traveller.shift(120)
        response = client.get(path)
    assert response.status_code == 410
    assert "De link is verlopen" in response.content.decode()


def test_reset_token_is_no_invitation_token():
    user = make_user()
    assert invitation_tokens.state(user, reset_tokens.make_token(user)) is TokenState.INVALID
    assert reset_tokens.state(user, invitation_tokens.make_token(user)) is TokenState.INVALID


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "onbekend@voorbeeld.nl"})
    assert response.status_code == 200
    assert "Als dit e-mailadres bij ons bekend is" in response.content.decode()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="account.reset_requested_unknown").exists()


def test_weak_password_gets_a_dutch_error_and_keeps_the_link(client, reset_password_of):
    user = make_user(email="zwak@voorbeeld.nl")
    reset_password_of(user.email)
    path = link_from_last_mail()
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dit wachtwoord is te kort" in content or "te kort" in content
    assert "aria-invalid" in content
    user.refresh_from_db()
    assert not user.check_password("12345678")
    assert client.get(path).status_code == 302  # link still usable


def test_a_known_address_gets_the_same_answer_when_the_mail_server_is_down(client, settings):
    """The reset mail is the worker's job: the request neither fails nor waits on the mail server,
    so the answer does not tell whether an address is known."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"port": 1}}}
    make_user(email="bekend@voorbeeld.nl")
    known = client.post(reverse("accounts:password_reset"), {"email": "bekend@voorbeeld.nl"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "onbekend@voorbeeld.nl"})
    assert known.status_code == unknown.status_code == 200

    def main_of(response) -> str:
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]

    assert main_of(known) == main_of(unknown)
    assert "Als dit e-mailadres bij ons bekend is" in main_of(known)


def test_reset_mails_to_one_account_are_limited(reset_password_of):
    make_user(email="vol@voorbeeld.nl")
    for _ in range(5):
        reset_password_of("vol@voorbeeld.nl")
    assert len([m for m in mail.outbox if "vol@voorbeeld.nl" in m.to]) == 3
    assert AuditEvent.objects.filter(action="account.reset_requested_throttled").count() == 2


def test_many_reset_requests_from_one_address_are_refused_for_a_while(client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for number in range(10):
            assert (
                client.post(reverse("accounts:password_reset"), {"email": f"x{number}@voorbeeld.nl"}).status_code == 200
            )
        refused = client.post(reverse("accounts:password_reset"), {"email": "y@voorbeeld.nl"})
        assert refused.status_code == 429
        assert "Wacht een kwartier" in refused.content.decode()
        traveller.shift(16 * 60)
        assert client.post(reverse("accounts:password_reset"), {"email": "y@voorbeeld.nl"}).status_code == 200
