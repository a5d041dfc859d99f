"""Helpdesk work on agreements: withdrawing (a party leaves before signing), recording a departure
and a local covenant, the art. 3.1 windows per template version, and the list with its CSV."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.documents import draft_document
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, AgreementTemplate, LocalCovenant
from lcv.agreements.reference import current_template
from lcv.agreements.services import AgreementError, update_template_windows, withdraw_agreements
from lcv.organisations.models import OrganisationKind, Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk():
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    return member(platform, "helpdesk")


@pytest.fixture
def pairs():
    """Utrecht and Zeist, each with a water and an energy partner: four drafts."""
    utrecht = municipality_organisation("0344")
    zeist = municipality_organisation("0355")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    for organisation, address in ((utrecht, "utrecht"), (zeist, "zeist"), (water, "water"), (energy, "energie")):
        member(organisation, "contact", email=f"contact@{address}.nl")
    assert generate_agreements() == 4
    return utrecht, zeist, water, energy


def _agreement(municipal_party, partner) -> Agreement:
    return Agreement.objects.get(municipal_party=municipal_party, partner=partner)


def test_withdrawing_unsigned_agreements_tells_every_party_and_leaves_history(
    pairs, helpdesk, client, django_capture_on_commit_callbacks
):
    utrecht, zeist, water, _energy = pairs
    draft = _agreement(utrecht, water)
    released = _agreement(zeist, water)
    Agreement.objects.filter(pk=released.pk).update(status=AgreementStatus.RELEASED)
    login_verified(client, helpdesk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreements_helpdesk:act"),
            {"overeenkomst": [draft.pk, released.pk], "actie": "intrekken", "reden": "Water Midden stopt"},
            follow=True,
        )
    assert "2 overeenkomst(en) ingetrokken" in response.content.decode()
    assert set(Agreement.objects.filter(status=AgreementStatus.WITHDRAWN).values_list("id", flat=True)) == {
        draft.pk,
        released.pk,
    }
    history = AgreementHistory.objects.get(agreement=released, event="withdraw")
    assert (history.from_status, history.to_status, history.actor) == ("released", "withdrawn", helpdesk)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # Water Midden gets one e-mail listing both; each municipality one
    assert recipients == ["contact@utrecht.nl", "contact@water.nl", "contact@zeist.nl"]
    water_mail = next(m for m in mail.outbox if m.to == ["contact@water.nl"])
    assert "2 overeenkomsten ingetrokken" in water_mail.subject
    assert "Water Midden stopt" in water_mail.body
    assert "?status=withdrawn" in water_mail.body
    # a withdrawn pair is not generated again
    assert generate_agreements() == 0


def test_an_active_agreement_in_the_choice_refuses_the_whole_withdrawal(pairs, helpdesk):
    utrecht, zeist, water, _energy = pairs
    active = _agreement(utrecht, water)
    draft = _agreement(zeist, water)
    Agreement.objects.filter(pk=active.pk).update(status=AgreementStatus.ACTIVE)
    with pytest.raises(AgreementError, match=f"overeenkomst {active.pk}"):
        withdraw_agreements(agreement_ids=[active.pk, draft.pk], actor=helpdesk, reason="Vertrek")
    assert Agreement.objects.get(pk=draft.pk).status == AgreementStatus.DRAFT
    assert not AgreementHistory.objects.filter(event="withdraw").exists()


def test_withdrawing_needs_a_reason_and_a_choice(pairs, helpdesk):
    utrecht, _zeist, water, _energy = pairs
    with pytest.raises(AgreementError, match="reden"):
        withdraw_agreements(agreement_ids=[_agreement(utrecht, water).pk], actor=helpdesk, reason="  ")
    with pytest.raises(AgreementError, match="Kies eerst"):
        withdraw_agreements(agreement_ids=[], actor=helpdesk, reason="Vertrek")
    assert not Agreement.objects.filter(status=AgreementStatus.WITHDRAWN).exists()


def test_a_departure_withdraws_unsigned_agreements_ends_active_ones_and_stops_generation(
    pairs, helpdesk, client, django_capture_on_commit_callbacks
):
    utrecht, zeist, water, energy = pairs
    active = _agreement(utrecht, water)
    Agreement.objects.filter(pk=active.pk).update(status=AgreementStatus.ACTIVE)
    login_verified(client, helpdesk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreements_helpdesk:departure", args=[water.pk]), {"reden": "Opgeheven"}, follow=True
        )
    assert "2 overeenkomst(en) ingetrokken of beëindigd" in response.content.decode()
    water.refresh_from_db()
    assert water.left_at is not None
    assert _agreement(zeist, water).status == AgreementStatus.WITHDRAWN
    # issue 10: it stayed "active" while admitting nothing; the state now says what is true
    ended = Agreement.objects.get(pk=active.pk)
    assert ended.status == AgreementStatus.ENDED
    assert ended.ends_on == timezone.localdate()
    assert ended.end_reason == "Vertrek van Water Midden van het platform: Opgeheven"
    assert AgreementHistory.objects.filter(agreement=ended, event="end_at_departure").exists()
    assert _agreement(utrecht, energy).status == AgreementStatus.DRAFT
    # a municipality that joins later gets an agreement with the energy partner, not with Water Midden
    amersfoort = municipality_organisation("0307")
    assert generate_agreements() == 1
    assert Agreement.objects.get(municipal_party=amersfoort).partner == energy
    # recording it twice is refused with a message
    response = client.post(reverse("agreements_helpdesk:departure", args=[water.pk]), {"reden": "x"}, follow=True)
    assert "al vastgelegd" in response.content.decode()


def test_the_helpdesk_records_local_covenants_for_chosen_drafts(pairs, helpdesk, client):
    utrecht, zeist, water, energy = pairs
    chosen = [_agreement(utrecht, water), _agreement(zeist, energy)]
    login_verified(client, helpdesk)
    response = client.post(
        reverse("agreements_helpdesk:act"),
        {"overeenkomst": [a.pk for a in chosen], "actie": "lokaal_convenant", "reden": "Convenant 2021"},
        follow=True,
    )
    assert "2 paar/paren" in response.content.decode()
    assert set(LocalCovenant.objects.values_list("municipal_party_id", "partner_id")) == {
        (utrecht.pk, water.pk),
        (zeist.pk, energy.pk),
    }
    assert all(Agreement.objects.get(pk=a.pk).status == AgreementStatus.WITHDRAWN for a in chosen)
    assert generate_agreements() == 0


def test_a_local_covenant_is_refused_for_an_agreement_past_draft(pairs, helpdesk, client):
    utrecht, _zeist, water, _energy = pairs
    released = _agreement(utrecht, water)
    Agreement.objects.filter(pk=released.pk).update(status=AgreementStatus.RELEASED)
    login_verified(client, helpdesk)
    response = client.post(
        reverse("agreements_helpdesk:act"),
        {"overeenkomst": [released.pk], "actie": "lokaal_convenant", "reden": ""},
        follow=True,
    )
    assert "Alleen bij een concept" in response.content.decode()
    assert not LocalCovenant.objects.exists()


def test_list_filters_by_organisation_and_exports_csv_without_formulas(pairs, helpdesk, client):
    utrecht, _zeist, water, _energy = pairs
    water.name = "=HYPERLINK(1)"
    water.save()
    login_verified(client, helpdesk)
    page = client.get(reverse("agreements_helpdesk:list"), {"organisatie": utrecht.pk})
    assert page.context["page"].paginator.count == 2
    assert "Vertrek vastleggen" in page.content.decode()
    export = client.get(reverse("agreements_helpdesk:list"), {"formaat": "csv", "organisatie": water.pk})
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("nummer;")
    assert len(text.splitlines()) == 3
    assert "'=HYPERLINK(1)" in text


def test_windows_of_an_unused_version_change_in_place(helpdesk, client):
    template = current_template()
    login_verified(client, helpdesk)
    data = {f"{sector}-min": window["min_days"] for sector, window in template.windows.items()}
    data.update({f"{sector}-max": window["max_days"] or "" for sector, window in template.windows.items()})
    data["water-min"] = 45
    response = client.post(reverse("agreements_helpdesk:template_windows", args=[template.pk]), data, follow=True)
    assert "zijn gewijzigd" in response.content.decode()
    template.refresh_from_db()
    assert template.windows["water"] == {"min_days": 45, "max_days": None}
    assert AgreementTemplate.objects.count() == 2  # version 1 and the current text, changed in place
    assert AgreementTemplate.objects.get(is_current=True) == template


def test_windows_of_a_version_in_use_go_into_a_new_version(pairs, helpdesk):
    utrecht, zeist, water, energy = pairs
    old = current_template()
    seen = _agreement(utrecht, water)
    draft_document(seen)  # its document was rendered: it keeps the old terms
    released = _agreement(zeist, water)
    Agreement.objects.filter(pk=released.pk).update(status=AgreementStatus.RELEASED)
    Agreement.objects.filter(pk=released.pk).update(released_at=released.created_at)
    windows = {**old.windows, "health_insurance": {"min_days": 40, "max_days": 90}}
    new = update_template_windows(template_id=old.pk, windows=windows, actor=helpdesk)
    assert new.version == old.version + 1
    assert new.is_current
    assert not AgreementTemplate.objects.get(pk=old.pk).is_current
    old.refresh_from_db()
    assert old.windows["health_insurance"] == {"min_days": 30, "max_days": 100}
    assert Agreement.objects.get(pk=seen.pk).template_id == old.pk
    assert Agreement.objects.get(pk=released.pk).template_id == old.pk
    unseen = {_agreement(utrecht, energy).pk, _agreement(zeist, energy).pk}
    assert set(Agreement.objects.filter(template=new).values_list("id", flat=True)) == unseen
    # only the current version can be changed once it is in use
    with pytest.raises(AgreementError, match="niet de huidige versie"):
        update_template_windows(template_id=old.pk, windows=windows | {"water": {"min_days": 60}}, actor=helpdesk)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"water-min": "0"}, "ten minste 1 dag"),
        ({"water-min": "dertig"}, "heel getal"),
        ({"health_insurance-min": "50", "health_insurance-max": "40"}, "niet kleiner"),
    ],
)
def test_bad_windows_are_refused_with_a_dutch_message_naming_the_sector(helpdesk, client, change, message):
    template = current_template()
    before = dict(template.windows)
    data = {f"{sector}-min": window["min_days"] for sector, window in template.windows.items()}
    data.update({f"{sector}-max": window["max_days"] or "" for sector, window in template.windows.items()})
    data.update(change)
    login_verified(client, helpdesk)
    response = client.post(reverse("agreements_helpdesk:template_windows", args=[template.pk]), data, follow=True)
    text = response.content.decode()
    assert message in text
    label = "Drinkwater" if "water-min" in change else "Zorgverzekering"
    assert label in text
    template.refresh_from_db()
    assert template.windows == before


def test_the_helpdesk_links_a_cosigning_executor_later(pairs, helpdesk, client):
    """FAQ 13: the helpdesk could not add a co-signing executor after approval."""
    from lcv.organisations.models import OrganisationKind

    utrecht, _zeist, water, _energy = pairs
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, name="Plangroep", sector="", national_coverage=False)
    login_verified(client, helpdesk)
    page = client.get(reverse("agreements_helpdesk:list"), {"organisatie": utrecht.pk}).content.decode()
    assert "Plangroep" in page
    response = client.post(
        reverse("agreements_helpdesk:cosigning_executor", args=[utrecht.pk]), {"uitvoerder": executor.pk}, follow=True
    )
    assert "concept(en) die nog niemand zag" in response.content.decode()
    utrecht.refresh_from_db()
    assert utrecht.cosigning_executor == executor
    assert _agreement(utrecht, water).executor == executor
    client.post(reverse("agreements_helpdesk:cosigning_executor", args=[utrecht.pk]), {"uitvoerder": "geen"})
    assert _agreement(utrecht, water).executor is None
