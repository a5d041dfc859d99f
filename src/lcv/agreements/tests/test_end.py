"""R9: either party ends an active agreement with a reason and a date; the counterpart is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.agreements.services import AgreementError, end_agreement, end_due_agreements
from lcv.organisations.models import Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def active():
    utrecht = municipality_organisation("0344")
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    Agreement.objects.update(status=AgreementStatus.ACTIVE)
    member(partner, "contact", email="contact@water.nl")
    return Agreement.objects.get(), utrecht, partner


def test_ending_today_ends_at_once_and_tells_the_counterpart(active, client, django_capture_on_commit_callbacks):
    agreement, utrecht, _partner = active
    contact = member(utrecht, "contact")
    login_verified(client, contact)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("agreements:end", args=[agreement.pk]),
            {"reden": "Samenwerking gestopt", "einddatum": timezone.localdate().isoformat()},
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert agreement.end_reason == "Samenwerking gestopt"
    assert mail.outbox[-1].to == ["contact@water.nl"]
    assert "Samenwerking gestopt" in mail.outbox[-1].body


def test_a_later_date_ends_it_on_that_day(active):
    agreement, utrecht, _partner = active
    contact = member(utrecht, "contact")
    later = timezone.localdate() + timedelta(days=30)
    end_agreement(agreement_id=agreement.pk, organisation=utrecht, actor=contact, reason="Fusie", end_date=later)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.ends_on == later
    assert end_due_agreements() == 0
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate())
    assert end_due_agreements() == 1
    assert end_due_agreements() == 0
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED


def test_bad_end_requests_change_nothing(active):
    agreement, utrecht, _partner = active
    contact = member(utrecht, "contact")
    today = timezone.localdate()
    with pytest.raises(AgreementError, match="reden"):
        end_agreement(agreement_id=agreement.pk, organisation=utrecht, actor=contact, reason=" ", end_date=today)
    with pytest.raises(AgreementError, match="verleden"):
        end_agreement(
            agreement_id=agreement.pk, organisation=utrecht, actor=contact, reason="x", end_date=today - timedelta(1)
        )
    other = municipality_organisation("0363")
    with pytest.raises(AgreementError, match="eigen organisatie"):
        end_agreement(agreement_id=agreement.pk, organisation=other, actor=contact, reason="x", end_date=today)
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.RELEASED)
    with pytest.raises(AgreementError, match="actieve"):
        end_agreement(agreement_id=agreement.pk, organisation=utrecht, actor=contact, reason="x", end_date=today)
    agreement.refresh_from_db()
    assert agreement.ends_on is None


def test_page_title_holds_no_forms(active, client):
    agreement, utrecht, _partner = active
    login_verified(client, member(utrecht, "contact"))
    content = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    title = content[content.index("<title>") : content.index("</title>")]
    assert "<form" not in title
    assert content.count(f'action="/overeenkomsten/{agreement.pk}/beeindigen/"') == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reden": "Fusie", "einddatum": ""}, "Vul de einddatum in."),
        ({"reden": "Fusie", "einddatum": "31-02-2030"}, "Vul een geldige einddatum in (dag-maand-jaar)."),
        ({"reden": "Fusie", "einddatum": "2000-01-01"}, "De einddatum kan niet in het verleden liggen."),
        ({"reden": "   ", "einddatum": "2099-01-01"}, "Geef een reden op voor het beëindigen."),
    ],
)
def test_end_form_is_checked_on_the_server_in_dutch_and_keeps_the_reason(active, client, data, message):
    agreement, utrecht, _partner = active
    login_verified(client, member(utrecht, "contact"))
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    tag = page[page.index(f'action="/overeenkomsten/{agreement.pk}/beeindigen/"') :]
    assert "novalidate" in tag[: tag.index(">")]
    response = client.post(reverse("agreements:end", args=[agreement.pk]), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    if data["reden"].strip():
        assert f"{data['reden']}</textarea>" in text
    agreement.refresh_from_db()
    assert agreement.ends_on is None
