"""R17, R18: the municipal party's contact sets the matching moment and the BRP check; nobody else
can, and a contact changes only their own organisation's settings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lcv.audit.models import AuditEvent
from lcv.cases.models import Case, CaseSettings
from lcv.cases.tests.settings_support import client_for, contact_of, executor
from lcv.testing.factories import make_organisation, member

URL = reverse("case_settings:overview")


def test_r18_the_contact_sees_the_matching_moment_explained_and_links_to_the_other_pages(chain):
    body = client_for(contact_of(chain.utrecht)).get(URL).content.decode()
    assert "eerste werkdag na de gekozen dag" in body
    assert "warme overdrachten wachten nooit" in body
    # the BRP check's explanation says which checks are allowed, in words, not by rule code
    assert "Andere controles mogen niet" in body
    assert "R17" not in body
    for name in ("weights", "trays", "mandates", "letter_template", "access_log"):
        assert reverse(f"case_settings:{name}") in body
    assert 'href="/schuldhulp/"' in body


def test_r18_switching_to_direct_lets_waiting_cases_into_the_trays_now(chain):
    CaseSettings.objects.filter(municipal_party=chain.utrecht).update(matching=CaseSettings.Matching.MONTHLY)
    chain.deliver(chain.water, [chain.signal(chain.water)])
    later = timezone.now() + timedelta(days=5)
    Case.objects.update(enters_at=later)
    contact = contact_of(chain.utrecht)
    response = client_for(contact).post(URL, {"matching": "direct", "matching_day": "25", "brp_check": "uit"})
    assert response.status_code == 302
    settings = CaseSettings.objects.get(municipal_party=chain.utrecht)
    assert (settings.matching, settings.brp_check) == ("direct", False)
    entered = Case.objects.get().enters_at
    assert entered is not None
    assert entered <= timezone.now()
    event = AuditEvent.objects.get(action="cases.settings_changed", actor=contact)
    assert event.details["changed"] == {"matching": "direct", "brp_check": False}


def test_r18_a_matching_day_out_of_bounds_is_refused_in_dutch_and_the_input_is_kept(chain):
    response = client_for(contact_of(chain.utrecht)).post(
        URL, {"matching": "monthly", "matching_day": "31", "brp_check": "aan"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vul een heel getal in van 1 tot en met 28." in body
    assert 'value="31"' in body
    assert CaseSettings.objects.get(municipal_party=chain.utrecht).matching == "direct"


def test_a_new_municipal_party_starts_with_brp_check_on(db):
    from lcv.testing.factories import municipality_organisation

    party = municipality_organisation("0363")
    body = client_for(contact_of(party)).get(URL).content.decode()
    assert re.search(r'name="brp_check" value="aan"[^>]*checked', body)
    assert not re.search(r'name="brp_check" value="uit"[^>]*checked', body)
    assert not CaseSettings.objects.filter(municipal_party=party).exists()


def test_a_handler_without_the_contact_role_cannot_change_settings(chain):
    client = client_for(chain.handler)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"matching": "monthly", "matching_day": "20", "brp_check": "uit"})
    assert response.status_code == 403
    settings = CaseSettings.objects.get(municipal_party=chain.utrecht)
    assert (settings.matching, settings.matching_day, settings.brp_check) == ("direct", 25, True)


def test_another_municipalitys_contact_changes_only_their_own_settings(chain):
    client_for(contact_of(chain.zeist)).post(URL, {"matching": "monthly", "matching_day": "20", "brp_check": "uit"})
    assert CaseSettings.objects.get(municipal_party=chain.utrecht).brp_check is True
    assert CaseSettings.objects.get(municipal_party=chain.zeist).matching_day == 20


@pytest.mark.parametrize("kind", ["executor", "signal_partner"])
def test_contacts_of_organisations_that_receive_no_signals_are_refused(chain, kind):
    organisation = executor() if kind == "executor" else make_organisation(name="Ander Water", sector="water")
    client = client_for(member(organisation, "contact", "handler"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"matching": "monthly", "matching_day": "20", "brp_check": "uit"}).status_code == 403
    assert not CaseSettings.objects.filter(municipal_party=organisation).exists()
