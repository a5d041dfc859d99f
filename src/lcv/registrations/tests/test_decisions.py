"""The helpdesk's decisions on registrations: approve, reject, attach; the queue and its export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lcv.accounts.models import User
from lcv.audit.models import AuditEvent
from lcv.core.models import Event
from lcv.notifications.models import Notice
from lcv.notifications.services import notify_new_partner
from lcv.organisations.models import Membership, Organisation, OrganisationKind
from lcv.organisations.selectors import counterparts_with_contacts
from lcv.registrations.models import Registration, RegistrationStatus
from lcv.registrations.services import (
    RegistrationError,
    approve_registration,
    attach_registration,
    reject_registration,
)
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


def registration(**overrides) -> Registration:
    municipalities = overrides.pop("municipalities", [])
    data = {
        "kind": "signal_partner",
        "name": "Drinkwater Zuid",
        "kvk_number": "12345678",
        "sector": "water",
        "contact_name": "Anna de Vries",
        "contact_email": "anna@water.nl",
        "contact_phone": "010 1234567",
        "contact_job_title": "Teamleider incasso",
        "contact_consents": True,
        "signatory_name": "Bert Jansen",
        "signatory_email": "bert@water.nl",
        "signatory_job_title": "Directeur",
        **overrides,
    }
    created = Registration.objects.create(**data)
    if municipalities:
        from lcv.organisations.models import Municipality

        created.municipalities.set(Municipality.objects.filter(cbs_code__in=municipalities))
    return created


@pytest.fixture
def helpdesk():
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    return member(platform, "helpdesk")


def test_approval_creates_organisation_people_roles_and_invitations(helpdesk, django_capture_on_commit_callbacks):
    submitted = registration(municipalities=["0363", "0599"])
    with django_capture_on_commit_callbacks(execute=True):
        organisation = approve_registration(registration_id=submitted.pk, actor=helpdesk)
    assert organisation.kind == OrganisationKind.SIGNAL_PARTNER
    assert organisation.sector == "water"
    assert sorted(organisation.municipalities.values_list("cbs_code", flat=True)) == ["0363", "0599"]
    contact = Membership.objects.get(organisation=organisation, is_contact=True)
    signatory = Membership.objects.get(organisation=organisation, is_signatory=True)
    assert contact.user.email == "anna@water.nl"
    assert contact.user.consents_to_share_contact_details
    assert signatory.user.email == "bert@water.nl"
    assert not signatory.is_contact
    assert sorted(m.to[0] for m in mail.outbox if "Uitnodiging" in m.subject) == ["anna@water.nl", "bert@water.nl"]
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.APPROVED
    assert submitted.organisation == organisation
    assert submitted.decided_by == helpdesk
    # R2 hook: the event the agreements capability will generate agreements from
    assert Event.objects.filter(name="organisation.approved", organisation=organisation).count() == 1
    assert AuditEvent.objects.filter(action="registration.approved", actor=helpdesk).exists()


def test_one_person_as_contact_and_signatory_gets_one_account(helpdesk):
    submitted = registration(signatory_name="Anna de Vries", signatory_email="ANNA@water.nl")
    organisation = approve_registration(registration_id=submitted.pk, actor=helpdesk)
    membership = Membership.objects.get(organisation=organisation)
    assert membership.is_contact
    assert membership.is_signatory


def test_a_registration_is_decided_once(helpdesk):
    submitted = registration()
    approve_registration(registration_id=submitted.pk, actor=helpdesk)
    with pytest.raises(RegistrationError, match="al beoordeeld"):
        approve_registration(registration_id=submitted.pk, actor=helpdesk)
    with pytest.raises(RegistrationError, match="al beoordeeld"):
        reject_registration(registration_id=submitted.pk, reason="x", actor=helpdesk)
    assert Organisation.objects.filter(kvk_number="12345678").count() == 1


def test_failed_approval_leaves_no_half_state(helpdesk):
    other = make_organisation()
    member(other, "contact", email="bert@water.nl")  # the signatory's address is taken
    submitted = registration()
    with pytest.raises(RegistrationError, match="al in gebruik"):
        approve_registration(registration_id=submitted.pk, actor=helpdesk)
    assert not Organisation.objects.filter(name="Drinkwater Zuid").exists()
    assert not User.objects.filter(email="anna@water.nl").exists()
    assert not Event.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.PENDING


def test_duplicate_cannot_be_approved_but_can_be_attached(helpdesk, django_capture_on_commit_callbacks):
    existing = municipality_organisation("0344")
    submitted = registration(
        kind="municipality", name="Gemeente Utrecht", kvk_number="", sector="", duplicate_of=existing
    )
    with pytest.raises(RegistrationError, match="Koppel"):
        approve_registration(registration_id=submitted.pk, actor=helpdesk)
    with django_capture_on_commit_callbacks(execute=True):
        attach_registration(registration_id=submitted.pk, organisation_id=existing.pk, actor=helpdesk)
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.ATTACHED
    assert submitted.organisation == existing
    assert Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count() == 1
    assert mail.outbox[-1].subject == "Uw organisatie staat al op het LCV-portaal"


def test_rejection_needs_a_reason_that_is_emailed(helpdesk, django_capture_on_commit_callbacks):
    submitted = registration()
    with pytest.raises(RegistrationError, match="reden"):
        reject_registration(registration_id=submitted.pk, reason="  ", actor=helpdesk)
    with django_capture_on_commit_callbacks(execute=True):
        reject_registration(registration_id=submitted.pk, reason="Geen vaste-lastenpartner.", actor=helpdesk)
    assert mail.outbox[-1].to == ["anna@water.nl"]
    assert "Geen vaste-lastenpartner." in mail.outbox[-1].body
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.REJECTED


def test_new_partner_notice_reaches_covered_municipalities_once(helpdesk, django_capture_on_commit_callbacks):
    amsterdam = municipality_organisation("0363")
    member(amsterdam, "contact", email="contact@amsterdam.nl")
    utrecht = municipality_organisation("0344")  # not covered
    member(utrecht, "contact", email="contact@utrecht.nl")
    arrangement = make_organisation(kind=OrganisationKind.JOINT_ARRANGEMENT, sector="", national_coverage=False)
    arrangement.municipalities.set(amsterdam.municipalities.model.objects.filter(cbs_code__in=["0599", "0642"]))
    member(arrangement, "contact", email="contact@drechtsteden.nl")
    submitted = registration(municipalities=["0363", "0599"])
    with django_capture_on_commit_callbacks(execute=True):
        partner = approve_registration(registration_id=submitted.pk, actor=helpdesk)
    notices = Notice.objects.filter(subject=partner)
    assert {n.recipient for n in notices} == {amsterdam, arrangement}
    notice_mails = [m for m in mail.outbox if m.subject.startswith("Nieuwe signaalpartner")]
    assert sorted(m.to[0] for m in notice_mails) == ["contact@amsterdam.nl", "contact@drechtsteden.nl"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_new_partner(partner=partner, recipients=counterparts_with_contacts(partner)) == 0  # once
    assert Notice.objects.filter(subject=partner).count() == 2


def test_national_partner_notifies_every_municipality(helpdesk):
    first, second = municipality_organisation("0363"), municipality_organisation("0014")
    partner = approve_registration(registration_id=registration(national_coverage=True).pk, actor=helpdesk)
    assert {n.recipient for n in Notice.objects.filter(subject=partner)} == {first, second}


def test_municipality_approval_sends_no_partner_notice(helpdesk):
    submitted = registration(kind="municipality", name="Gemeente Utrecht", kvk_number="", sector="")
    submitted.municipality = submitted.municipalities.model.objects.get(cbs_code="0344")
    submitted.save()
    approve_registration(registration_id=submitted.pk, actor=helpdesk)
    assert not Notice.objects.exists()


# --- the queue ----------------------------------------------------------------------------------


def test_queue_filters_sorts_and_shows_waiting_time(client, helpdesk):
    old = registration(name="Oude Aanmelding", kvk_number="11111111")
    Registration.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    registration(name="Nieuwe Energie", kvk_number="22222222", sector="energy")
    registration(name="Afgewezen Partij", kvk_number="33333333", status=RegistrationStatus.REJECTED)
    login_verified(client, helpdesk)
    content = client.get(reverse("registrations:queue")).content.decode()
    assert content.index("Oude Aanmelding") < content.index("Nieuwe Energie")  # longest waiting first
    assert "Afgewezen Partij" not in content  # default: pending only
    assert "1 week, 2 dagen" in content.replace("\xa0", " ")  # how long it has waited
    content = client.get(reverse("registrations:queue"), {"sector": "energy"}).content.decode()
    assert "Nieuwe Energie" in content
    assert "Oude Aanmelding" not in content
    content = client.get(reverse("registrations:queue"), {"ouder_dan": "7"}).content.decode()
    assert "Oude Aanmelding" in content
    assert "Nieuwe Energie" not in content
    content = client.get(reverse("registrations:queue"), {"status": ""}).content.decode()
    assert "Afgewezen Partij" in content
    content = client.get(reverse("registrations:queue"), {"sorteer": "nieuwste"}).content.decode()
    assert content.index("Nieuwe Energie") < content.index("Oude Aanmelding")


def test_queue_exports_csv_with_formulas_neutralised(client, helpdesk):
    registration(name='=HYPERLINK("http://x")')
    login_verified(client, helpdesk)
    response = client.get(reverse("registrations:queue"), {"formaat": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert text.splitlines()[0].startswith("id;ingediend;status")


def test_decisions_through_the_pages(client, helpdesk):
    submitted = registration()
    login_verified(client, helpdesk)
    detail = client.get(reverse("registrations:detail", args=[submitted.pk])).content.decode()
    assert "Goedkeuren" in detail
    assert "wacht al" in detail
    response = client.post(reverse("registrations:decide", args=[submitted.pk]), {"besluit": "afwijzen", "reden": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.PENDING  # refused: no reason
    client.post(reverse("registrations:decide", args=[submitted.pk]), {"besluit": "goedkeuren", "bevestigd": "ja"})
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.APPROVED


def test_second_registration_for_the_same_municipality_is_caught_at_approval(helpdesk):
    first = registration(kind="municipality", name="Gemeente Utrecht", kvk_number="", sector="")
    second = registration(
        kind="municipality",
        name="Gemeente Utrecht",
        kvk_number="",
        sector="",
        contact_email="c@u.nl",
        signatory_email="s@u.nl",
    )
    utrecht = first.municipalities.model.objects.get(cbs_code="0344")
    Registration.objects.filter(pk__in=[first.pk, second.pk]).update(municipality=utrecht)
    organisation = approve_registration(registration_id=first.pk, actor=helpdesk)
    with pytest.raises(RegistrationError, match="Koppel"):
        approve_registration(registration_id=second.pk, actor=helpdesk)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.PENDING
    assert second.duplicate_of == organisation  # shown to the helpdesk from now on
    assert Organisation.objects.filter(municipality=utrecht).get() == organisation


def test_before_approving_an_arrangement_the_helpdesk_sees_what_it_means_for_member_municipalities(client, helpdesk):
    """Issue 9: approving an arrangement that lists a participating municipality once moved its
    routing without a word; the helpdesk now sees which members take part themselves."""
    municipality_organisation("0344")  # Utrecht takes part itself
    submitted = registration(
        kind="joint_arrangement", name="Regio Utrecht", sector="", kvk_number="", municipalities=["0344", "0355"]
    )
    login_verified(client, helpdesk)
    detail = client.get(reverse("registrations:detail", args=[submitted.pk])).content.decode()
    assert "Gevolgen voor de deelnemende gemeenten" in detail
    block = detail[detail.index('data-testid="consequences"') :]
    block = block[: block.index("</ul>")]
    assert "Utrecht: neemt zelf deel aan het platform, met eigen overeenkomsten" in block
    assert "Zeist" not in block  # not on the platform itself: nothing to weigh


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("municipality", {"municipality_id": None}),
        ("joint_arrangement", {"name": "Regio Eemland", "kvk_number": "87654321"}),
    ],
)
def test_the_chosen_signal_system_is_stored_at_approval_and_reaches_the_agreements(helpdesk, kind, extra):
    """Issue 10: a joint arrangement never chose a system and the sealed agreement kept the
    placeholder. Approval stores the choice; generation copies it into each agreement."""
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement
    from lcv.organisations.models import Municipality

    if kind == "municipality":
        municipality_organisation("0307").delete()  # loads the reference data; Amersfoort is free again
        extra = {
            "municipality_id": Municipality.objects.get(cbs_code="0307").pk,
            "name": "Gemeente Amersfoort",
            "kvk_number": "",
        }
    created = registration(kind=kind, sector="", signal_system="ris", municipalities=["0307"], **extra)
    organisation = approve_registration(registration_id=created.pk, actor=helpdesk)
    assert organisation.signal_system == "ris"
    make_organisation(name="Water Midden", sector="water", national_coverage=True)
    generate_agreements()
    assert set(Agreement.objects.filter(municipal_party=organisation).values_list("signal_system", flat=True)) == {
        "ris"
    }


def test_a_cosigning_executor_not_yet_on_the_platform_is_awaited_then_linked(helpdesk, client):
    """Issue 10, FAQ 13: an executor named to co-sign but not on the platform was silently dropped at
    approval. It is now awaited: a warning for the helpdesk, no release without it, and linked to
    the drafts when it is approved."""
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement
    from lcv.agreements.services import AgreementError, release_agreements
    from lcv.organisations.models import Municipality

    municipality_organisation("0307").delete()
    created = registration(
        kind="municipality",
        name="Gemeente Amersfoort",
        kvk_number="",
        sector="",
        signal_system="lcv",
        municipality_id=Municipality.objects.get(cbs_code="0307").pk,
        cosigning_executor_name="Schuldhulp Eemland",
        cosigning_executor_kvk="55555555",
    )
    login_verified(client, helpdesk)
    response = client.post(
        reverse("registrations:decide", args=[created.pk]), {"besluit": "goedkeuren", "bevestigd": "ja"}, follow=True
    )
    assert "Schuldhulp Eemland (KvK 55555555), staat nog niet op het platform" in response.content.decode()
    amersfoort = Organisation.objects.get(name="Gemeente Amersfoort")
    assert (amersfoort.awaited_executor_name, amersfoort.awaited_executor_kvk) == ("Schuldhulp Eemland", "55555555")
    make_organisation(name="Water Midden", sector="water", national_coverage=True)
    generate_agreements()
    draft = Agreement.objects.get(municipal_party=amersfoort)
    with pytest.raises(AgreementError, match="Schuldhulp Eemland"):
        release_agreements(agreement_ids=[draft.pk], municipal_party=amersfoort, actor=member(amersfoort, "contact"))
    executor_registration = registration(
        kind="executor",
        name="Schuldhulp Eemland",
        kvk_number="55555555",
        sector="",
        contact_email="c@eemland.nl",
        signatory_email="s@eemland.nl",
        municipalities=["0307"],
    )
    executor = approve_registration(registration_id=executor_registration.pk, actor=helpdesk)
    amersfoort.refresh_from_db()
    assert amersfoort.cosigning_executor == executor
    assert amersfoort.awaited_executor_kvk == ""
    draft.refresh_from_db()
    assert draft.executor == executor
    assert release_agreements(agreement_ids=[draft.pk], municipal_party=amersfoort, actor=member(amersfoort, "contact"))


# --- issue 10: flags before deciding, confirmation, no preselected organisation -----------------


def decide_page(client, submitted) -> str:
    return client.get(reverse("registrations:detail", args=[submitted.pk])).content.decode()


def flags_block(content: str) -> str:
    start = content.index('data-testid="flags"')
    return content[start : content.index("</ul>", start)]


def test_the_same_kvk_twice_is_flagged_in_the_queue_and_on_the_detail_page(client, helpdesk):
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, name="Buurtteams BV", kvk_number="12345678", sector="")
    first = registration(name="Drinkwater Zuid")
    second = registration(name="Drinkwater Zuid BV", contact_email="c@zuid.nl", signatory_email="s@zuid.nl")
    login_verified(client, helpdesk)
    queue = client.get(reverse("registrations:queue")).content.decode()
    assert queue.count('data-testid="flags"') == 2
    assert "KvK-nummer komt ook voor bij de aanmelding van Drinkwater Zuid BV van" in queue
    assert "KvK-nummer komt ook voor bij Buurtteams BV (uitvoerder), dat al op het platform staat." in queue
    block = flags_block(decide_page(client, first))
    assert "KvK-nummer komt ook voor bij de aanmelding van Drinkwater Zuid BV" in block
    assert "Buurtteams BV (uitvoerder)" in block
    assert "KvK-nummer komt ook voor bij de aanmelding van Drinkwater Zuid " in flags_block(decide_page(client, second))
    # another kind with the same KvK number is a flag, not a duplicate: it may still be approved
    assert first.duplicate_of is None
    organisation = approve_registration(registration_id=first.pk, actor=helpdesk)
    assert organisation.kvk_number == executor.kvk_number
    # once the first is approved, the second is a duplicate of it (same kind, same KvK)
    block = flags_block(decide_page(client, second))
    assert "KvK-nummer komt ook voor bij Drinkwater Zuid (signaalpartner), dat al op het platform staat." in block


def test_addresses_already_in_use_are_flagged_for_the_helpdesk_but_not_on_the_public_form(
    client, helpdesk, django_capture_on_commit_callbacks
):
    from lcv.registrations.tests.test_registration import PARTNER

    other = make_organisation(name="Energie Noord")
    member(other, "contact", email="bert@woonstichting.nl")
    data = {**PARTNER, "national_coverage": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("registrations:register", args=["signaalpartner"]), data)
    with django_capture_on_commit_callbacks(execute=True):
        free = client.post(
            reverse("registrations:register", args=["signaalpartner"]),
            {**data, "kvk_number": "87654321", "signatory_email": "bert@elders.nl"},
        )
    # the public answer and the confirmation mail are the same: no telling who has an account
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert [m.to for m in mail.outbox] == [["anna@woonstichting.nl"], ["anna@woonstichting.nl"]]
    assert mail.outbox[0].body == mail.outbox[1].body
    flagged, clean = Registration.objects.order_by("id")
    login_verified(client, helpdesk)
    queue = client.get(reverse("registrations:queue")).content.decode()
    assert queue.count("e-mailadres van de tekenbevoegde is al in gebruik op het platform (bij Energie Noord)") == 1
    block = flags_block(decide_page(client, flagged))
    assert "Het e-mailadres van de tekenbevoegde is al in gebruik op het platform (bij Energie Noord)." in block
    assert "contactpersoon" not in block
    assert 'data-testid="flags"' not in decide_page(client, clean)


def test_a_decision_needs_a_ticked_confirmation(client, helpdesk):
    submitted = registration()
    login_verified(client, helpdesk)
    page = decide_page(client, submitted)
    assert page.count('name="bevestigd" value="ja" required') == 3  # approve, attach, reject
    assert "kan niet ongedaan worden gemaakt" in page
    url = reverse("registrations:decide", args=[submitted.pk])
    for data in (
        {"besluit": "goedkeuren"},
        {"besluit": "afwijzen", "reden": "Geen vaste-lastenpartner."},
        {"besluit": "koppelen", "organisatie": str(make_organisation().pk)},
    ):
        response = client.post(url, data, follow=True)
        submitted.refresh_from_db()
        assert submitted.status == RegistrationStatus.PENDING
        assert "Er is niets besloten. Vink eerst aan dat u zeker bent van" in response.content.decode()
    client.post(url, {"besluit": "afwijzen", "reden": "Geen vaste-lastenpartner.", "bevestigd": "ja"})
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.REJECTED


def test_attaching_preselects_no_organisation_unless_it_is_the_duplicate(client, helpdesk):
    first_in_list = make_organisation(name="Aa Energie")
    submitted = registration()
    login_verified(client, helpdesk)
    page = decide_page(client, submitted)
    select = page[page.index('id="organisatie"') : page.index("</select>")]
    assert '<option value="" selected>Kies de organisatie</option>' in select
    assert select.count(" selected") == 1
    url = reverse("registrations:decide", args=[submitted.pk])
    response = client.post(url, {"besluit": "koppelen", "organisatie": "", "bevestigd": "ja"}, follow=True)
    assert "Kies de organisatie waaraan u de aanmelding koppelt." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.PENDING
    # a flagged duplicate is the one preselected
    existing = make_organisation(name="Drinkwater Zuid NV")
    Registration.objects.filter(pk=submitted.pk).update(duplicate_of=existing)
    select = decide_page(client, submitted)
    select = select[select.index('id="organisatie"') : select.index("</select>")]
    assert f'<option value="{existing.pk}" selected>' in select
    assert f'<option value="{first_in_list.pk}">' in select
    assert select.count(" selected") == 1
    client.post(url, {"besluit": "koppelen", "organisatie": str(existing.pk), "bevestigd": "ja"})
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.ATTACHED
    assert submitted.organisation == existing


def test_a_member_municipality_is_told_its_arrangement_signs_with_a_new_partner(
    helpdesk, django_capture_on_commit_callbacks
):
    zeist = municipality_organisation("0355")
    member(zeist, "contact", email="contact@zeist.nl")
    utrecht = municipality_organisation("0344")
    member(utrecht, "contact", email="contact@utrecht.nl")
    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Heuvelrug", sector="", national_coverage=False
    )
    arrangement.municipalities.set(zeist.municipalities.model.objects.filter(cbs_code="0355"))
    with django_capture_on_commit_callbacks(execute=True):
        partner = approve_registration(registration_id=registration(municipalities=["0344", "0355"]).pk, actor=helpdesk)
    zeist_notice = Notice.objects.get(subject=partner, recipient=zeist).text
    assert "De gemeenschappelijke regeling Regio Heuvelrug sluit de overeenkomst" in zeist_notice
    assert "voor u klaar" not in zeist_notice
    assert "voor u klaar" in Notice.objects.get(subject=partner, recipient=utrecht).text
    zeist_mail = next(m for m in mail.outbox if m.to == ["contact@zeist.nl"])
    assert "Regio Heuvelrug sluit de overeenkomst met deze signaalpartner, ook voor uw gemeente" in zeist_mail.body
    assert "vrijgeven" not in zeist_mail.body


def test_the_same_municipality_twice_or_already_on_the_platform_is_flagged(client, helpdesk):
    utrecht = municipality_organisation("0344")
    first = registration(kind="municipality", name="Gemeente Utrecht", kvk_number="", sector="")
    second = registration(
        kind="municipality",
        name="Gemeente Utrecht",
        kvk_number="",
        sector="",
        contact_email="c@u.nl",
        signatory_email="s@u.nl",
    )
    Registration.objects.filter(pk__in=[first.pk, second.pk]).update(
        municipality=utrecht.municipality, duplicate_of=utrecht
    )
    login_verified(client, helpdesk)
    block = flags_block(decide_page(client, first))
    assert "De gemeente staat al op het platform als Gemeente Utrecht." in block
    assert "Dezelfde gemeente is ook aangemeld op" in block


def test_a_cosigning_executor_already_on_the_platform_is_linked_at_approval(helpdesk):
    """Issue 10: a test that notices when approval stops linking the named co-signing executor."""
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement
    from lcv.organisations.models import Municipality

    executor = make_organisation(
        kind=OrganisationKind.EXECUTOR, name="Plangroep", kvk_number="44444444", sector="", national_coverage=False
    )
    municipality_organisation("0307").delete()
    created = registration(
        kind="municipality",
        name="Gemeente Amersfoort",
        kvk_number="",
        sector="",
        signal_system="lcv",
        municipality_id=Municipality.objects.get(cbs_code="0307").pk,
        cosigning_executor_name="Plangroep",
        cosigning_executor_kvk="44444444",
    )
    amersfoort = approve_registration(registration_id=created.pk, actor=helpdesk)
    assert amersfoort.cosigning_executor == executor
    assert amersfoort.awaited_executor_kvk == ""
    make_organisation(name="Water Midden", sector="water", national_coverage=True)
    generate_agreements()
    assert Agreement.objects.get(municipal_party=amersfoort).executor == executor
