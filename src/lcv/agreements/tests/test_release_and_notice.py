"""R3 phased release, R4 the Monday notice, and the agreement pages."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, SigningNotice
from lcv.agreements.notices import send_signing_notices
from lcv.agreements.services import AgreementError, release_agreements
from lcv.core.schedule import AMSTERDAM, SCHEDULE, enqueue_due_jobs
from lcv.organisations.models import Municipality, Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


def partner(name, *, sector=Sector.WATER, national=True, codes=()):
    organisation = make_organisation(name=name, sector=sector, national_coverage=national)
    organisation.municipalities.set(Municipality.objects.filter(cbs_code__in=codes))
    return organisation


@pytest.fixture
def utrecht():
    organisation = municipality_organisation("0344")
    for name, sector in [
        ("Water Midden", Sector.WATER),
        ("Energie NL", Sector.ENERGY),
        ("Zorg NL", Sector.HEALTH_INSURANCE),
    ]:
        partner(name, sector=sector)
    generate_agreements()
    return organisation


def test_contact_releases_two_of_three_in_one_action(client, utrecht):
    contact = member(utrecht, "contact")
    login_verified(client, contact)
    chosen = list(
        Agreement.objects.filter(partner__name__in=["Water Midden", "Energie NL"]).values_list("id", flat=True)
    )
    response = client.post(reverse("agreements:release"), {"overeenkomst": chosen})
    assert response.status_code == 302
    statuses = dict(Agreement.objects.values_list("partner__name", "status"))
    assert statuses == {"Water Midden": "released", "Energie NL": "released", "Zorg NL": "draft"}
    assert AgreementHistory.objects.filter(event="release", actor=contact).count() == 2


def test_release_of_another_organisations_or_a_released_agreement_changes_nothing(utrecht):
    amsterdam = municipality_organisation("0363")
    generate_agreements()
    contact = member(utrecht, "contact")
    theirs = Agreement.objects.filter(municipal_party=amsterdam).earliest("id")
    ours = Agreement.objects.filter(municipal_party=utrecht).earliest("id")
    with pytest.raises(AgreementError, match="eigen organisatie"):
        release_agreements(agreement_ids=[ours.pk, theirs.pk], municipal_party=utrecht, actor=contact)
    assert Agreement.objects.filter(status="released").count() == 0
    release_agreements(agreement_ids=[ours.pk], municipal_party=utrecht, actor=contact)
    with pytest.raises(AgreementError, match="al vrijgegeven"):
        release_agreements(agreement_ids=[ours.pk], municipal_party=utrecht, actor=contact)
    with pytest.raises(AgreementError, match="Kies eerst"):
        release_agreements(agreement_ids=[], municipal_party=utrecht, actor=contact)


def test_only_the_contact_releases_and_partners_cannot(client, utrecht):
    agreement = Agreement.objects.earliest("id")
    login_verified(client, member(utrecht, "signatory", "handler"))
    assert client.post(reverse("agreements:release"), {"overeenkomst": [agreement.pk]}).status_code == 403
    partner_contact = member(agreement.partner, "contact")
    login_verified(client, partner_contact)
    client.post(reverse("agreements:release"), {"overeenkomst": [agreement.pk]})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_list_filters_and_partner_view(client, utrecht):
    login_verified(client, member(utrecht, "contact"))
    content = client.get(reverse("agreements:list"), {"sector": "energy"}).content.decode()
    assert "Energie NL" in content
    assert "Water Midden" not in content
    content = client.get(reverse("agreements:list"), {"zoek": "zorg"}).content.decode()
    assert "Zorg NL" in content
    assert "Energie NL" not in content
    water = Agreement.objects.get(partner__name="Water Midden")
    login_verified(client, member(water.partner, "contact"))
    content = client.get(reverse("agreements:list")).content.decode()
    assert "Gemeente Utrecht" in content
    assert "Concept" in content
    assert 'name="overeenkomst"' not in content  # partners see status, they do not release


def test_agreement_list_of_500_uses_the_same_number_of_queries_as_of_3(client, utrecht):
    contact = member(utrecht, "contact")
    login_verified(client, contact)
    client.get(reverse("agreements:list"))  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("agreements:list"))
    from lcv.organisations.models import Organisation, OrganisationKind

    Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.SIGNAL_PARTNER,
            name=f"Extra {n:03d}",
            kvk_number=f"{90000000 + n:08d}",
            sector=Sector.WATER,
            national_coverage=True,
        )
        for n in range(497)
    )
    generate_agreements()
    assert Agreement.objects.filter(municipal_party=utrecht).count() == 500
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("agreements:list"))
    with CaptureQueriesContext(connection) as last:
        client.get(reverse("agreements:list"), {"pagina": 5})
    assert first.context["page"].paginator.count == 500
    assert len(many) == len(few)
    assert len(last) == len(few)


def test_monday_notice_once_per_signatory_and_never_twice(utrecht, django_capture_on_commit_callbacks):
    contact = member(utrecht, "contact")
    member(utrecht, "signatory", email="teken@utrecht.nl")
    water = Agreement.objects.get(partner__name="Water Midden")
    member(water.partner, "signatory", email="teken@water.nl")
    energy = Agreement.objects.get(partner__name="Energie NL")
    release_agreements(agreement_ids=[water.pk, energy.pk], municipal_party=utrecht, actor=contact)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_signing_notices() == 2  # Utrecht's signatory (2 agreements) and Water Midden's (1)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"teken@utrecht.nl", "teken@water.nl"}
    assert "Water Midden" in by_address["teken@utrecht.nl"].body
    assert "Energie NL" in by_address["teken@utrecht.nl"].body
    assert by_address["teken@utrecht.nl"].subject == "2 overeenkomsten klaar om te ondertekenen"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_signing_notices() == 0  # nothing new: no second e-mail
    assert len(mail.outbox) == 2
    # the partner without a signatory (Energie NL) is told once it has one
    member(energy.partner, "signatory", email="teken@energie.nl")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_signing_notices() == 1
    assert mail.outbox[-1].to == ["teken@energie.nl"]
    assert SigningNotice.objects.count() == 4


def test_no_email_when_nothing_is_waiting(utrecht):
    member(utrecht, "signatory")
    assert send_signing_notices() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_monday_job_runs_on_monday_only_and_once():
    job = {"monday_signing_notice": SCHEDULE["monday_signing_notice"]}
    assert enqueue_due_jobs(datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM), job) == []  # Tuesday
    assert (
        enqueue_due_jobs(datetime(2026, 11, 23, 7, 59, tzinfo=AMSTERDAM), job) == []
    )  # too early; last Monday's slot expired
    assert enqueue_due_jobs(datetime(2026, 11, 23, 8, 1, tzinfo=AMSTERDAM), job) == ["monday_signing_notice"]
    assert enqueue_due_jobs(datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM), job) == []  # not twice


def test_to_sign_page_lists_released_agreements_waiting_for_us(client, utrecht):
    contact = member(utrecht, "contact")
    water = Agreement.objects.get(partner__name="Water Midden")
    release_agreements(agreement_ids=[water.pk], municipal_party=utrecht, actor=contact)
    login_verified(client, member(utrecht, "signatory"))
    content = client.get(reverse("agreements:to_sign")).content.decode()
    assert "Water Midden" in content
    assert "Energie NL" not in content  # still a draft


def test_the_list_says_through_which_system_signals_go(client):
    """Issue 10: a partner must see where to deliver for each municipality."""
    from lcv.agreements.models import Agreement
    from lcv.organisations.models import Sector
    from lcv.testing.auth import login_verified

    municipality_organisation("0344")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    Agreement.objects.update(signal_system="vps")
    login_verified(client, member(water, "contact"))
    page = client.get(reverse("agreements:list")).content.decode()
    assert "Signalen via" in page
    assert "VPS (BKR)" in page
