"""Partners' API tokens: made and revoked by the partner's contact, shown once, stored as a hash."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lcv.audit.models import AuditEvent
from lcv.organisations.models import Sector
from lcv.signals import tokens
from lcv.signals.models import ApiToken
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return make_organisation(name="Water Midden", sector=Sector.WATER)


@pytest.fixture
def contact(partner):
    return member(partner, "contact", email="contact@water.nl")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def code_for(user) -> str:
    """The current code of the user's authenticator (login_verified made the device)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


# the service ---------------------------------------------------------------------------------------


def test_a_new_token_is_stored_only_as_its_hash(partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    assert plain.startswith("lcv_")
    assert len(plain) >= 40
    assert token.token_sha256 == sha256(plain)
    assert token.prefix == plain[:12]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(plain not in str(value) for value in stored.values())


def test_creating_and_revoking_are_audited_without_the_token(partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    tokens.revoke_token(token_id=token.pk, organisation=partner, actor=contact)
    events = list(AuditEvent.objects.filter(object_id=str(token.pk)).order_by("id"))
    assert [e.action for e in events] == ["signals.api_token_created", "signals.api_token_revoked"]
    assert all(e.actor == contact and e.organisation == partner for e in events)
    dumped = json.dumps([e.details for e in events])
    assert plain not in dumped
    assert plain[4:12] not in dumped  # not even the random part of the prefix


def test_only_signal_partners_get_tokens():
    utrecht = municipality_organisation("0344")
    with pytest.raises(tokens.TokenError, match="Alleen signaalpartners"):
        tokens.create_token(organisation=utrecht, actor=member(utrecht, "contact"), name="x")
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(partner, contact):
    with pytest.raises(tokens.TokenError, match="naam"):
        tokens.create_token(organisation=partner, actor=contact, name="   ")


def test_the_number_of_active_tokens_is_limited(partner, contact):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.create_token(organisation=partner, actor=contact, name=f"sleutel {n}")
    with pytest.raises(tokens.TokenError, match="Trek eerst een sleutel in"):
        tokens.create_token(organisation=partner, actor=contact, name="een te veel")


def test_another_organisations_token_cannot_be_revoked(partner, contact):
    token, _plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    other = make_organisation(name="Water Zuid", sector=Sector.WATER)
    with pytest.raises(tokens.TokenError, match="hoort niet bij uw organisatie"):
        tokens.revoke_token(token_id=token.pk, organisation=other, actor=member(other, "contact"))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_changes_nothing(partner, contact):
    token, _plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    first = tokens.revoke_token(token_id=token.pk, organisation=partner, actor=contact).revoked_at
    second = tokens.revoke_token(token_id=token.pk, organisation=partner, actor=contact).revoked_at
    assert first == second
    assert AuditEvent.objects.filter(action="signals.api_token_revoked").count() == 1


def test_authenticate_accepts_only_an_active_token(partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    assert tokens.authenticate(plain) == token
    assert tokens.authenticate(plain + "x") is None
    assert tokens.authenticate(plain[4:]) is None
    assert tokens.authenticate("") is None
    tokens.revoke_token(token_id=token.pk, organisation=partner, actor=contact)
    assert tokens.authenticate(plain) is None


def test_last_use_is_recorded_at_most_once_a_minute(partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        tokens.authenticate(plain)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        tokens.authenticate(plain)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        tokens.authenticate(plain)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


# the page ------------------------------------------------------------------------------------------


def test_the_contact_creates_a_token_and_sees_it_once(client, partner, contact):
    login_verified(client, contact)
    url = reverse("signals_tokens:list")
    response = client.post(url, {"name": "Incassosysteem", "code": code_for(contact)})
    assert response.status_code == 200  # rendered in the answer to the POST: no redirect, no URL
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    page = response.content.decode()
    start = page.index('data-testid="plain-token"')
    plain = page[page.index('value="', page.rindex("<input", 0, start)) + 7 :].split('"')[0]
    assert plain.startswith("lcv_")
    assert token.token_sha256 == sha256(plain)
    assert "Kopieer de sleutel nu" in page
    assert plain not in json.dumps(dict(client.session.items()))
    assert not list(response.context["messages"])

    again = client.get(url).content.decode()
    assert plain not in again
    assert f"{token.prefix}…" in again
    assert "Incassosysteem" in again


def test_a_new_token_needs_a_valid_code_from_the_authenticator(client, partner, contact):
    login_verified(client, contact)
    response = client.post(reverse("signals_tokens:list"), {"name": "Incasso", "code": "000000"})
    assert "Deze code klopt niet" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_without_a_passed_second_factor_no_key_can_be_made(client, partner):
    """A contact can no longer enrol a 'second factor' just before making a key: the session must
    have passed one at login, so a session whose device is gone is sent to enrol first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    contact = member(partner, "contact")
    login_verified(client, contact)
    TOTPDevice.objects.filter(user=contact).delete()
    response = client.get(reverse("signals_tokens:list"))
    assert response["Location"].startswith(reverse("accounts:totp_enrol"))
    posted = client.post(reverse("signals_tokens:list"), {"name": "x", "code": "123456"})
    assert posted["Location"] == reverse("accounts:totp_enrol")
    assert not ApiToken.objects.exists()


def test_the_form_needs_a_name(client, partner, contact):
    login_verified(client, contact)
    response = client.post(reverse("signals_tokens:list"), {"name": ""})
    assert "Geef de sleutel een naam." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_contact_revokes_a_token(client, partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    login_verified(client, contact)
    response = client.post(reverse("signals_tokens:revoke", args=[token.pk]), follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = response.content.decode()
    assert "is ingetrokken" in page
    assert "Ingetrokken op" in page
    assert tokens.authenticate(plain) is None


def test_revoking_needs_post(client, partner, contact):
    token, _plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    login_verified(client, contact)
    assert client.get(reverse("signals_tokens:revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_lists_only_the_own_organisations_tokens(client, partner, contact):
    other = make_organisation(name="Water Zuid", sector=Sector.WATER)
    tokens.create_token(organisation=other, actor=member(other, "contact"), name="Sleutel van Zuid")
    tokens.create_token(organisation=partner, actor=contact, name="Sleutel van Midden")
    login_verified(client, contact)
    page = client.get(reverse("signals_tokens:list")).content.decode()
    assert "Sleutel van Midden" in page
    assert "Sleutel van Zuid" not in page


@pytest.mark.parametrize("role", ["deliverer", "signatory", "handler", "analyst"])
def test_only_the_contact_manages_tokens(client, partner, role):
    login_verified(client, member(partner, role))
    assert client.get(reverse("signals_tokens:list")).status_code == 403
    assert client.post(reverse("signals_tokens:list"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_municipalitys_contact_has_no_token_page(client):
    utrecht = municipality_organisation("0344")
    login_verified(client, member(utrecht, "contact"))
    assert client.get(reverse("signals_tokens:list")).status_code == 403


def test_the_page_labels_every_input(client, partner, contact):
    login_verified(client, contact)
    tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    page = client.post(reverse("signals_tokens:list"), {"name": "Tweede", "code": code_for(contact)}).content.decode()
    assert '<label class="utrecht-form-label" for="id_name">' in page
    assert '<label class="utrecht-form-label" for="nieuwe-sleutel">' in page
    assert "aria-label=" in page  # the revoke buttons say which key they revoke


# expiry --------------------------------------------------------------------------------------------


def test_a_token_lives_at_most_a_year_and_is_refused_once_expired(partner, contact):
    with pytest.raises(tokens.TokenError, match="hoogstens een jaar"):
        tokens.create_token(organisation=partner, actor=contact, name="Te lang", valid_days=366)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso", valid_days=30)
        assert token.expires_at == timezone.now() + timedelta(days=30)
        traveller.shift(timedelta(days=30) - timedelta(seconds=1))
        assert tokens.authenticate(plain) == token
        traveller.shift(timedelta(seconds=1))
        assert tokens.authenticate(plain) is None
        # an expired key does not count towards the limit of active keys
        for n in range(tokens.MAX_ACTIVE_TOKENS):
            tokens.create_token(organisation=partner, actor=contact, name=f"sleutel {n}")


def test_an_expired_token_gets_401_from_the_api(partner, contact):
    from django.test import Client

    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client(headers={"Authorization": f"Bearer {plain}"}).get("/api/v1/deliveries")
    assert response.status_code == 401


def test_the_contacts_are_reminded_once_a_month_before_a_token_expires(partner, contact):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        soon, _plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso", valid_days=90)
        tokens.create_token(organisation=partner, actor=contact, name="Later", valid_days=365)
        assert tokens.remind_expiring_tokens() == 0
        traveller.shift(timedelta(days=61))  # 29 days left
        assert tokens.remind_expiring_tokens() == 1
        assert tokens.remind_expiring_tokens() == 0  # once per key
    soon.refresh_from_db()
    assert soon.expiry_reminder_sent_at is not None
    assert AuditEvent.objects.filter(action="signals.api_token_expiry_reminded", object_id=str(soon.pk)).count() == 1


def test_the_reminder_mail_names_the_key_and_links_to_the_key_page(
    partner, contact, django_capture_on_commit_callbacks, mailoutbox
):
    member(partner, "contact", email="tweede@water.nl")
    _token, _plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso", valid_days=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert tokens.remind_expiring_tokens() == 1
    [message] = mailoutbox
    assert sorted(message.to) == ["contact@water.nl", "tweede@water.nl"]
    assert message.subject.startswith("API-sleutel 'Incasso' verloopt op")
    assert reverse("signals_tokens:list") in message.body


def test_the_key_list_shows_creator_expiry_and_last_use(client, partner, contact):
    token, plain = tokens.create_token(organisation=partner, actor=contact, name="Incasso", valid_days=90)
    tokens.authenticate(plain)
    login_verified(client, contact)
    page = client.get(reverse("signals_tokens:list")).content.decode()
    assert contact.full_name in page
    assert token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%d-%m-%Y") in page
    assert "nog niet" not in page  # it was used
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert "Verlopen" in client.get(reverse("signals_tokens:list")).content.decode()


def test_the_contact_chooses_how_long_a_new_key_lives(client, partner, contact):
    login_verified(client, contact)
    with time_machine.travel(timezone.now(), tick=False):
        client.post(reverse("signals_tokens:list"), {"name": "Kort", "valid_days": "30", "code": code_for(contact)})
        token = ApiToken.objects.get()
        assert token.expires_at == timezone.now() + timedelta(days=30)
    refused = client.post(reverse("signals_tokens:list"), {"name": "Lang", "valid_days": "400", "code": "000000"})
    assert "Selecteer een geldige keuze" in refused.content.decode() or "geldige" in refused.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_api_documentation_is_a_link_where_it_is_mentioned(client, partner, contact):
    login_verified(client, contact)
    page = client.get(reverse("signals_tokens:list")).content.decode()
    mention = page.index("API-documentatie")
    link = page.rindex("<a ", 0, mention)
    assert page.index("</a>", link) > mention  # the words themselves are the link
    assert f'href="{reverse("api:openapi-json")}"' in page[link:mention]
    assert client.get(reverse("api:openapi-json")).status_code == 200
