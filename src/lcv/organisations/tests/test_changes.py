"""FAQ 15 / R8: a contact person asks, the helpdesk replaces the contact person or the signatory."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from lcv.accounts.changes import execute_change
from lcv.audit.models import AuditEvent
from lcv.organisations.models import ChangeRequest, ChangeStatus, Membership, OrganisationKind
from lcv.organisations.services import ChangeRequestError, reject_change, request_change
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk():
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    return member(platform, "helpdesk")


@pytest.fixture
def organisation():
    return municipality_organisation("0344")


def ask(organisation, contact, kind="replace_signatory", email="nieuw@utrecht.nl"):
    return request_change(
        organisation=organisation,
        kind=kind,
        new_name="Nieuwe Persoon",
        new_email=email,
        new_job_title="Wethouder",
        requested_by=contact,
    )


def test_contact_asks_through_the_portal_and_sees_it_pending(client, organisation):
    contact = member(organisation, "contact")
    login_verified(client, contact)
    url = reverse("organisations:change_request_new", args=[organisation.pk])
    response = client.post(
        url,
        {
            "kind": "replace_signatory",
            "new_name": "Nieuwe Persoon",
            "new_email": "Nieuw@Utrecht.nl",
            "new_job_title": "Wethouder",
        },
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.new_email == "nieuw@utrecht.nl"
    assert change.status == ChangeStatus.PENDING
    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "Tekenbevoegde vervangen door Nieuwe Persoon" in page
    assert AuditEvent.objects.filter(action="change_request.created", actor=contact).exists()


def test_bad_change_request_input_gets_dutch_errors_and_stores_nothing(client, organisation):
    login_verified(client, member(organisation, "contact"))
    url = reverse("organisations:change_request_new", args=[organisation.pk])
    response = client.post(url, {"kind": "add_signatory", "new_name": "", "new_email": "geen-adres"})
    content = response.content.decode()
    assert 'id="id_kind_error"' in content
    assert "Voer een geldig e-mailadres in." in content
    assert ChangeRequest.objects.count() == 0


def test_only_the_contact_person_may_ask(client, organisation):
    signatory = member(organisation, "signatory", "handler", "analyst")
    login_verified(client, signatory)
    url = reverse("organisations:change_request_new", args=[organisation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "replace_contact"}).status_code == 403


def test_one_pending_request_per_kind(organisation):
    contact = member(organisation, "contact")
    ask(organisation, contact)
    with pytest.raises(ChangeRequestError, match="loopt al"):
        ask(organisation, contact, email="ander@utrecht.nl")
    ask(organisation, contact, kind="replace_contact", email="ander@utrecht.nl")
    assert ChangeRequest.objects.count() == 2


def test_replacing_the_signatory_invites_the_new_person_and_removes_the_old(
    organisation, helpdesk, django_capture_on_commit_callbacks
):
    contact = member(organisation, "contact")
    old = member(organisation, "signatory")
    change = ask(organisation, contact)
    with django_capture_on_commit_callbacks(execute=True):
        execute_change(change_id=change.pk, actor=helpdesk)
    old.membership.refresh_from_db()
    assert not old.membership.is_signatory
    signatories = Membership.objects.filter(organisation=organisation, is_signatory=True)
    assert [m.user.email for m in signatories] == ["nieuw@utrecht.nl"]
    invitations = [m for m in mail.outbox if m.to == ["nieuw@utrecht.nl"]]
    assert [m.subject for m in invitations] == ["Uitnodiging voor het LCV-portaal"]
    removed = AuditEvent.objects.get(action="membership.role_removed")
    granted = AuditEvent.objects.get(action="membership.role_granted")
    assert removed.object_id == str(old.pk)
    assert granted.object_id == str(signatories[0].user_id)
    assert removed.details == {"role": "signatory", "change_request": change.pk}
    change.refresh_from_db()
    assert change.status == ChangeStatus.EXECUTED
    told = [m for m in mail.outbox if m.to == [contact.email]]
    assert [m.subject for m in told] == ["Uw wijzigingsverzoek is uitgevoerd: tekenbevoegde vervangen"]
    with pytest.raises(ChangeRequestError, match="al afgehandeld"):
        execute_change(change_id=change.pk, actor=helpdesk)


def test_a_colleague_can_become_contact_person(organisation, helpdesk):
    contact = member(organisation, "contact")
    colleague = member(organisation, "handler", email="collega@utrecht.nl")
    change = ask(organisation, contact, kind="replace_contact", email="collega@utrecht.nl")
    execute_change(change_id=change.pk, actor=helpdesk)
    colleague.membership.refresh_from_db()
    contact.membership.refresh_from_db()
    assert colleague.membership.is_contact
    assert colleague.membership.is_handler
    assert not contact.membership.is_contact


def test_someone_of_another_organisation_cannot_take_the_role(organisation, helpdesk):
    contact = member(organisation, "contact")
    old = member(organisation, "signatory")
    member(make_organisation(), "contact", email="elders@partner.nl")
    change = ask(organisation, contact, email="elders@partner.nl")
    with pytest.raises(ChangeRequestError, match="andere organisatie"):
        execute_change(change_id=change.pk, actor=helpdesk)
    old.membership.refresh_from_db()
    assert old.membership.is_signatory  # nothing changed


def test_helpdesk_rejects_with_a_reason(client, organisation, helpdesk, django_capture_on_commit_callbacks):
    contact = member(organisation, "contact")
    change = ask(organisation, contact)
    login_verified(client, helpdesk)
    decide = reverse("organisations:change_request_decide", args=[change.pk])
    client.post(decide, {"besluit": "afwijzen", "reden": ""})
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"besluit": "afwijzen", "reden": "Onbekende persoon"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert mail.outbox[-1].to == [contact.email]
    assert "Reden: Onbekende persoon" in mail.outbox[-1].body
    with pytest.raises(ChangeRequestError):
        reject_change(change_id=change.pk, reason="x", actor=helpdesk)


def test_helpdesk_queue_lists_and_executes(client, organisation, helpdesk):
    contact = member(organisation, "contact")
    member(organisation, "signatory")
    change = ask(organisation, contact)
    login_verified(client, helpdesk)
    queue = client.get(reverse("organisations:change_requests")).content.decode()
    assert "Gemeente Utrecht: tekenbevoegde vervangen" in queue
    client.post(reverse("organisations:change_request_decide", args=[change.pk]), {"besluit": "uitvoeren"})
    assert Membership.objects.get(organisation=organisation, is_signatory=True).user.email == "nieuw@utrecht.nl"


def test_an_extra_contact_person_is_added_and_the_others_stay(
    organisation, helpdesk, django_capture_on_commit_callbacks
):
    """FAQ 15: "een andere of extra contactpersoon toevoegen"."""
    contact = member(organisation, "contact")
    change = ask(organisation, contact, kind="add_contact")
    with django_capture_on_commit_callbacks(execute=True):
        execute_change(change_id=change.pk, actor=helpdesk)
    contacts = Membership.objects.filter(organisation=organisation, is_contact=True)
    assert sorted(m.user.email for m in contacts) == sorted([contact.email, "nieuw@utrecht.nl"])
    assert [m.to for m in mail.outbox if "nieuw@utrecht.nl" in m.to]  # the new contact is invited


def test_the_change_request_form_offers_an_extra_contact_person(client, organisation):
    login_verified(client, member(organisation, "contact"))
    page = client.get(reverse("organisations:change_request_new", args=[organisation.pk])).content.decode()
    assert "Extra contactpersoon toevoegen" in page


def test_a_replaced_contacts_api_keys_stop_working(helpdesk, django_capture_on_commit_callbacks):
    """Issue 9: a key kept working after its creator lost the contact role."""
    from lcv.organisations.models import Sector
    from lcv.signals import tokens

    partner = make_organisation(name="Water Midden", sector=Sector.WATER)
    old = member(partner, "contact", email="oud@water.nl")
    _token, plain = tokens.create_token(organisation=partner, actor=old, name="Incasso")
    change = ask(partner, old, kind="replace_contact", email="nieuw@water.nl")
    with django_capture_on_commit_callbacks(execute=True):
        execute_change(change_id=change.pk, actor=helpdesk)
    assert tokens.authenticate(plain) is None


def test_a_change_request_with_a_phone_number_that_is_not_dutch_is_refused(client, organisation):
    login_verified(client, member(organisation, "contact"))
    url = reverse("organisations:change_request_new", args=[organisation.pk])
    data = {"kind": "replace_signatory", "new_name": "Nieuwe Persoon", "new_email": "nieuw@utrecht.nl"}
    response = client.post(url, {**data, "new_job_title": "Wethouder", "new_phone": "12-34"})
    assert "Telefoonnummer van de nieuwe persoon: dit is geen Nederlands telefoonnummer" in response.content.decode()
    assert ChangeRequest.objects.count() == 0
    client.post(url, {**data, "new_job_title": "Wethouder", "new_phone": "030 286 00 00"})
    assert ChangeRequest.objects.get().new_phone == "030 286 00 00"
