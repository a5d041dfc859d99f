"""R2: one draft agreement per relevant pair, none for uncovered pairs or local covenants, never two
open ones for one pair."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from lcv.agreements.generation import generate_agreements, relevant_pairs
from lcv.agreements.local_covenants import record_for_both
from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, LocalCovenant
from lcv.agreements.reference import current_template
from lcv.organisations.models import Municipality, OrganisationKind, Sector
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


def partner(name, *, national=False, codes=()):
    organisation = make_organisation(name=name, sector=Sector.WATER, national_coverage=national)
    organisation.municipalities.set(Municipality.objects.filter(cbs_code__in=codes))
    return organisation


def pairs():
    return set(Agreement.objects.values_list("municipal_party__name", "partner__name"))


def test_national_partner_pairs_with_every_municipality_regional_only_with_its_own():
    municipality_organisation("0363")
    municipality_organisation("0344")
    partner("Landelijk", national=True)
    partner("Regionaal", codes=["0344"])
    assert generate_agreements() == 3
    assert pairs() == {
        ("Gemeente Amsterdam", "Landelijk"),
        ("Gemeente Utrecht", "Landelijk"),
        ("Gemeente Utrecht", "Regionaal"),
    }
    assert set(Agreement.objects.values_list("status", flat=True)) == {AgreementStatus.DRAFT}
    assert AgreementHistory.objects.filter(event="generate").count() == 3


def test_no_agreement_for_a_pair_the_partner_does_not_cover():
    municipality_organisation("0363")
    partner("Regionaal", codes=["0344"])
    assert generate_agreements() == 0
    assert not Agreement.objects.exists()


def test_joint_arrangement_signs_for_its_members():
    dordrecht = municipality_organisation("0505")
    arrangement = make_organisation(
        name="Drechtsteden", kind=OrganisationKind.JOINT_ARRANGEMENT, sector="", national_coverage=False
    )
    arrangement.municipalities.set(Municipality.objects.filter(cbs_code__in=["0505", "0642"]))
    partner("Water West", codes=["0642"])
    generate_agreements()
    assert pairs() == {("Drechtsteden", "Water West")}
    assert not Agreement.objects.filter(municipal_party=dordrecht).exists()


def test_generation_is_idempotent_and_never_makes_two_open_agreements():
    municipality_organisation("0363")
    partner("Landelijk", national=True)
    assert generate_agreements() == 1
    assert generate_agreements() == 0
    agreement = Agreement.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            municipal_party=agreement.municipal_party, partner=agreement.partner, template=current_template()
        )
    # an ended agreement does not block a new one
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED)
    assert generate_agreements() == 1
    assert Agreement.objects.count() == 2


def test_local_covenant_pairs_get_none():
    municipality_organisation("0363")
    partner("Landelijk", national=True)
    helpdesk = member(
        make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False), "helpdesk"
    )
    generate_agreements()
    record_for_both(agreement=Agreement.objects.get(), actor=helpdesk)  # the helpdesk, for both parties
    assert Agreement.objects.get().status == AgreementStatus.WITHDRAWN
    assert generate_agreements() == 0
    assert LocalCovenant.objects.count() == 1


def test_agreement_records_template_signal_system_and_cosigning_executor():
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, sector="", national_coverage=False)
    utrecht = municipality_organisation("0344", signal_system="ris", cosigning_executor=executor)
    amsterdam = municipality_organisation("0363")
    partner("Landelijk", national=True)
    generate_agreements()
    with_executor = Agreement.objects.get(municipal_party=utrecht)
    assert with_executor.executor == executor
    assert with_executor.signal_system == "ris"
    assert with_executor.template == current_template()
    assert Agreement.objects.get(municipal_party=amsterdam).executor is None


def test_relevant_pairs_counts_for_a_national_partner():
    for code in ("0363", "0344", "0014"):
        municipality_organisation(code)
    national = partner("Landelijk", national=True)
    assert {p for p in relevant_pairs() if p[1] == national.pk}.__len__() == 3


def test_approval_of_a_partner_generates_its_agreements(django_capture_on_commit_callbacks, settings):
    from lcv.registrations.models import Registration
    from lcv.registrations.services import approve_registration

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    municipality_organisation("0363")
    helpdesk = member(
        make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False), "helpdesk"
    )
    registration = Registration.objects.create(
        kind="signal_partner",
        name="Nieuw Water",
        kvk_number="12345678",
        sector="water",
        national_coverage=True,
        contact_name="A",
        contact_email="a@water.nl",
        contact_phone="1",
        contact_job_title="x",
        signatory_name="B",
        signatory_email="b@water.nl",
        signatory_job_title="y",
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve_registration(registration_id=registration.pk, actor=helpdesk)
    assert pairs() == {("Gemeente Amsterdam", "Nieuw Water")}


def test_a_local_covenant_is_proposed_by_one_contact_confirmed_by_the_other_and_undone_by_the_helpdesk(
    client, django_capture_on_commit_callbacks
):
    """FAQ 16-17, issue 9: no longer one-sided, silent and permanent."""
    from django.core import mail
    from django.urls import reverse

    from lcv.agreements.models import LocalCovenantStatus
    from lcv.organisations.models import OrganisationKind
    from lcv.testing.auth import login_verified
    from lcv.testing.factories import make_organisation

    amsterdam = municipality_organisation("0363")
    national = partner("Landelijk", national=True)
    generate_agreements()
    agreement = Agreement.objects.get()
    partner_contact = member(national, "contact", email="contact@landelijk.nl")
    municipal_contact = member(amsterdam, "contact", email="contact@amsterdam.nl")
    login_verified(client, partner_contact)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:local_covenant", args=[agreement.pk]), {"toelichting": "Convenant 2019"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT  # only a proposal: nothing withdrawn yet
    covenant = LocalCovenant.objects.get()
    assert (covenant.status, covenant.note, covenant.proposed_by) == (
        LocalCovenantStatus.PROPOSED,
        "Convenant 2019",
        national,
    )
    assert sorted(address for m in mail.outbox for address in m.to) == ["contact@amsterdam.nl", "contact@landelijk.nl"]
    # the proposer cannot confirm its own proposal
    client.post(reverse("agreements:local_covenant_decide", args=[agreement.pk]), {"besluit": "bevestigen"})
    assert LocalCovenant.objects.get().status == LocalCovenantStatus.PROPOSED
    # a signatory of the counterpart cannot either; its contact can
    login_verified(client, member(amsterdam, "signatory"))
    assert (
        client.post(
            reverse("agreements:local_covenant_decide", args=[agreement.pk]), {"besluit": "bevestigen"}
        ).status_code
        == 403
    )
    login_verified(client, municipal_contact)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Landelijk stelde op" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:local_covenant_decide", args=[agreement.pk]), {"besluit": "bevestigen"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.WITHDRAWN
    assert LocalCovenant.objects.get().status == LocalCovenantStatus.CONFIRMED
    assert len(mail.outbox) == 2
    assert generate_agreements() == 0
    # the helpdesk undoes it: the pair gets an agreement again, both contacts are told
    platform = make_organisation(kind=OrganisationKind.PLATFORM, sector="", national_coverage=False, name="Beheer")
    login_verified(client, member(platform, "helpdesk"))
    assert "Landelijk" in client.get(reverse("agreements_helpdesk:local_covenants")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements_helpdesk:local_covenant_undo", args=[covenant.pk]))
    assert LocalCovenant.objects.get().status == LocalCovenantStatus.UNDONE
    assert (
        Agreement.objects.filter(status=AgreementStatus.DRAFT, partner=national, municipal_party=amsterdam).count() == 1
    )
    assert "weer een LCV-overeenkomst" in mail.outbox[0].body
    assert len(mail.outbox) == 2


def test_a_declined_local_covenant_leaves_the_agreement(client):
    from django.urls import reverse

    from lcv.agreements.models import LocalCovenantStatus
    from lcv.testing.auth import login_verified

    amsterdam = municipality_organisation("0363")
    national = partner("Landelijk", national=True)
    generate_agreements()
    agreement = Agreement.objects.get()
    login_verified(client, member(amsterdam, "contact"))
    client.post(reverse("agreements:local_covenant", args=[agreement.pk]), {})
    login_verified(client, member(national, "contact"))
    client.post(reverse("agreements:local_covenant_decide", args=[agreement.pk]), {"besluit": "afwijzen"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert LocalCovenant.objects.get().status == LocalCovenantStatus.DECLINED
    # a new proposal is possible after a decline
    client.post(reverse("agreements:local_covenant", args=[agreement.pk]), {})
    assert LocalCovenant.objects.filter(status=LocalCovenantStatus.PROPOSED).count() == 1
