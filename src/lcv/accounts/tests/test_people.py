"""People management (issue 9, 1): the contact invites colleagues with the roles that fit, changes
them, deactivates; the helpdesk finds anyone, resends invitations, resets second factors; a
deactivated person loses access at once; their API keys stop unless the organisation keeps them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.models import User
from lcv.audit.models import AuditEvent
from lcv.organisations.models import Membership, OrganisationKind, Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return make_organisation(name="Water Midden", sector=Sector.WATER)


@pytest.fixture
def contact(partner):
    return member(partner, "contact", email="contact@water.nl", full_name="Carla Contact")


def invite(client, **data):
    return client.post(reverse("people:list"), {"full_name": "Dirk Deliverer", "email": "dirk@water.nl", **data})


def test_the_contact_invites_a_deliverer_who_gets_an_invitation(
    client, partner, contact, django_capture_on_commit_callbacks
):
    login_verified(client, contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, roles=["deliverer"])
    assert response.status_code == 302
    dirk = User.objects.get(email="dirk@water.nl")
    assert dirk.membership.organisation == partner
    assert dirk.membership.roles == {"deliverer"}
    assert not dirk.has_usable_password()
    assert [m.to for m in mail.outbox] == [["dirk@water.nl"]]
    page = client.get(reverse("people:list")).content.decode()
    assert "Dirk Deliverer" in page
    assert "Uitgenodigd, nog niet aangemeld" in page
    assert AuditEvent.objects.filter(action="account.invited", object_id=str(dirk.pk)).exists()


@pytest.mark.parametrize("role", ["handler", "contact", "signatory", "helpdesk"])
def test_a_partner_contact_cannot_hand_out_roles_that_do_not_fit(client, partner, contact, role):
    login_verified(client, contact)
    response = invite(client, roles=[role])
    assert response.status_code == 200
    assert not User.objects.filter(email="dirk@water.nl").exists()


def test_a_municipality_contact_invites_handlers_and_analysts_not_deliverers(client):
    utrecht = municipality_organisation("0344")
    login_verified(client, member(utrecht, "contact"))
    page = client.get(reverse("people:list")).content.decode()
    assert 'value="handler"' in page
    assert 'value="analyst"' in page
    assert 'value="deliverer"' not in page
    assert invite(client, roles=["handler"]).status_code == 302


def test_the_contact_changes_working_roles_but_not_contact_or_signatory(client, partner, contact):
    dirk = member(partner, "deliverer", email="dirk@water.nl")
    login_verified(client, contact)
    client.post(reverse("people:person", args=[dirk.pk]), {"actie": "rollen", "rollen": ["deliverer", "analyst"]})
    assert Membership.objects.get(user=dirk).roles == {"deliverer", "analyst"}
    client.post(reverse("people:person", args=[dirk.pk]), {"actie": "rollen", "rollen": ["contact"]})
    assert Membership.objects.get(user=dirk).roles == {"deliverer", "analyst"}  # refused, unchanged
    signatory = member(partner, "signatory")
    client.post(reverse("people:person", args=[signatory.pk]), {"actie": "rollen", "rollen": ["analyst"]})
    assert Membership.objects.get(user=signatory).roles == {"signatory", "analyst"}  # signing stays


def test_a_deactivated_person_loses_access_at_once_also_in_an_open_session(client, partner, contact):
    from django.test import Client

    dirk = member(partner, "deliverer", email="dirk@water.nl")
    his_session = Client()
    login_verified(his_session, dirk)
    assert his_session.get(reverse("signals:deliveries")).status_code == 200
    login_verified(client, contact)
    client.post(reverse("people:person", args=[dirk.pk]), {"actie": "deactiveren"})
    response = his_session.get(reverse("signals:deliveries"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="account.deactivated", object_id=str(dirk.pk)).exists()
    assert "Gedeactiveerd" in client.get(reverse("people:list")).content.decode()


def test_api_keys_of_a_deactivated_person_stop_unless_the_organisation_keeps_them(client, partner, contact):
    from lcv.signals import tokens

    second = member(partner, "contact", email="tweede@water.nl", full_name="Tweede Contact")
    kept_by, _ = tokens.create_token(organisation=partner, actor=second, name="Incasso productie")
    login_verified(client, contact)
    page = client.get(reverse("people:person", args=[second.pk])).content.decode()
    assert "API-sleutel &#x27;Incasso productie&#x27;" in page  # shown before deciding
    client.post(reverse("people:person", args=[second.pk]), {"actie": "deactiveren", "sleutels": "houden"})
    kept_by.refresh_from_db()
    assert kept_by.revoked_at is None
    third = member(partner, "contact", email="derde@water.nl")
    revoked, plain = tokens.create_token(organisation=partner, actor=third, name="Oud systeem")
    client.post(reverse("people:person", args=[third.pk]), {"actie": "deactiveren"})  # default: revoke
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None
    assert tokens.authenticate(plain) is None


def test_the_only_contact_and_the_signatory_are_not_deactivated_here(client, partner, contact):
    signatory = member(partner, "signatory")
    login_verified(client, contact)
    client.post(reverse("people:person", args=[signatory.pk]), {"actie": "deactiveren"})
    assert User.objects.get(pk=signatory.pk).is_active
    helpdesk = member(make_organisation(kind=OrganisationKind.PLATFORM, sector="", national_coverage=False), "helpdesk")
    login_verified(client, helpdesk)
    client.post(reverse("people:helpdesk_person", args=[contact.pk]), {"actie": "deactiveren"})
    assert User.objects.get(pk=contact.pk).is_active  # the only contact: a successor first


@pytest.mark.parametrize("role", ["signatory", "deliverer", "analyst"])
def test_only_the_contact_manages_people(client, partner, contact, role):
    dirk = member(partner, "deliverer", email="dirk@water.nl")
    login_verified(client, member(partner, role))
    assert client.get(reverse("people:list")).status_code == 403
    assert client.post(reverse("people:person", args=[dirk.pk]), {"actie": "deactiveren"}).status_code == 403
    assert User.objects.get(pk=dirk.pk).is_active


def test_another_organisations_people_are_not_shown_nor_touched(client, partner, contact):
    other = make_organisation(name="Water Zuid", sector=Sector.WATER)
    stranger = member(other, "deliverer", email="vreemd@zuid.nl", full_name="Vera Vreemd")
    login_verified(client, contact)
    page = client.get(reverse("people:list")).content.decode()
    assert "Vera Vreemd" not in page
    assert client.get(reverse("people:person", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("people:person", args=[stranger.pk]), {"actie": "deactiveren"}).status_code == 404
    assert User.objects.get(pk=stranger.pk).is_active


def test_the_helpdesk_finds_people_resends_invitations_and_resets_the_second_factor(
    client, partner, django_capture_on_commit_callbacks
):
    platform = make_organisation(kind=OrganisationKind.PLATFORM, sector="", national_coverage=False, name="Beheer")
    helpdesk = member(platform, "helpdesk")
    dirk = member(partner, "deliverer", email="dirk@water.nl", full_name="Dirk Deliverer")
    TOTPDevice.objects.create(user=dirk, name="telefoon", confirmed=True)
    member(make_organisation(name="Energie Oost", sector=Sector.ENERGY), "deliverer", full_name="Erik Energie")
    login_verified(client, helpdesk)
    found = client.get(reverse("people:helpdesk_list"), {"zoek": "water midden"}).content.decode()
    assert "Dirk Deliverer" in found
    assert "Erik Energie" not in found
    client.post(reverse("people:helpdesk_person", args=[dirk.pk]), {"actie": "tweede-factor"})
    assert not TOTPDevice.objects.filter(user=dirk).exists()
    assert AuditEvent.objects.filter(action="account.second_factor_reset", actor=helpdesk).exists()
    mail.outbox.clear()
    client.post(reverse("people:helpdesk_person", args=[dirk.pk]), {"actie": "uitnodiging"})
    assert [m.to for m in mail.outbox] == [["dirk@water.nl"]]
    client.post(reverse("people:helpdesk_person", args=[dirk.pk]), {"actie": "deactiveren"})
    assert not User.objects.get(pk=dirk.pk).is_active
    assert "Dirk Deliverer" in client.get(reverse("people:helpdesk_list"), {"status": "gedeactiveerd"}).content.decode()


def test_a_contact_gives_and_withdraws_consent_for_the_directory(client, partner):
    added = member(partner, "contact", email="nieuw@water.nl", consents_to_share_contact_details=False)
    login_verified(client, added)
    client.post(reverse("people:settings"), {"consents_to_share_contact_details": "on"})
    assert User.objects.get(pk=added.pk).consents_to_share_contact_details
    client.post(reverse("people:settings"), {})
    assert not User.objects.get(pk=added.pk).consents_to_share_contact_details
    assert AuditEvent.objects.filter(action="account.directory_consent_changed", actor=added).count() == 2
