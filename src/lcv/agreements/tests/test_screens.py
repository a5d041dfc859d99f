"""What the agreement screens show: words, not codes; the verification page links and says the
current status of a sealed agreement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus
from lcv.agreements.services import end_agreement
from lcv.agreements.workflow import EVENT_LABELS, TRANSITIONS
from lcv.organisations.models import Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db

CODES = ("generate", "release", "sign", "give_notice", "end", "withdraw")


@pytest.fixture
def active():
    utrecht = municipality_organisation("0344")
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    Agreement.objects.update(status=AgreementStatus.ACTIVE)
    return Agreement.objects.get(), utrecht, partner


def history_lines(content: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", line).strip()
        for line in re.findall(r'<li [^>]*data-testid="history-step"[^>]*>(.*?)</li>', content, re.S)
    ]


def test_every_workflow_event_has_dutch_words():
    assert {t.event for t in TRANSITIONS} | {"generate", "give_notice"} <= set(EVENT_LABELS)


def test_history_shows_events_in_words_never_codes(active, client):
    agreement, utrecht, _partner = active
    contact = member(utrecht, "contact", full_name="Cor Contact")
    later = timezone.localdate() + timedelta(days=30)
    end_agreement(agreement_id=agreement.pk, organisation=utrecht, actor=contact, reason="Fusie", end_date=later)
    AgreementHistory.objects.create(agreement=agreement, event="migrated_from_v0", to_status="active")
    login_verified(client, contact)
    lines = history_lines(client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode())
    assert len(lines) == 3
    assert lines[0].endswith(": Concept aangemaakt")
    assert lines[1].endswith(f": Opgezegd per {later:%d-%m-%Y} (Cor Contact)")
    assert lines[2].endswith(": Wijziging")  # an unknown event: a neutral word, not its code
    for line in lines:
        assert "migrated_from_v0" not in line
        for code in CODES:
            assert not re.search(rf":\s*{code}\b", line), line
