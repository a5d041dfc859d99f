"""R18, FAQ 32: the contact tunes the priority weights, sees the formula in words and previews the
effect on the party's own open cases before saving; saving scores the open cases again."""

from __future__ import annotations

import re

from django.urls import reverse

from lcv.audit.models import AuditEvent
from lcv.cases import priority
from lcv.cases.models import Case, CaseSettings
from lcv.cases.settings_services import preview_weights
from lcv.cases.tests.settings_support import client_for, contact_of, three_cases

URL = reverse("case_settings:weights")


def _form(weights: dict[str, int], **extra: str) -> dict[str, str]:
    return {**{key: str(value) for key, value in weights.items()}, **extra}


def _ranks(cases: list[Case], weights: dict[str, int]) -> dict[int, int]:
    ordered = sorted(cases, key=lambda c: (-priority.score(c, weights), c.pk))
    return {case.pk: place for place, case in enumerate(ordered, start=1)}


def test_r18_the_page_shows_the_formula_in_words_and_that_partners_weigh_equally(chain):
    body = client_for(contact_of(chain.utrecht)).get(URL).content.decode()
    found = re.search(r'data-testid="formula">(.*?)</p>', body, re.S)
    assert found is not None
    formula = found.group(1)
    for term in priority.TERMS:
        assert str(term.label).lower() in formula
        assert str(term.unit) in formula
    assert "Alle signaalpartners wegen even zwaar" in body
    assert "FAQ 32" in body
    assert "partner" not in " ".join(t.weight for t in priority.TERMS)  # no weight per partner


def test_r18_the_preview_ranks_the_open_cases_by_the_new_score_and_stores_nothing(chain):
    cases = three_cases(chain)
    before = priority.weights_of(CaseSettings.objects.get(municipal_party=chain.utrecht))
    priority.rescore(Case.objects.all())
    cases = list(Case.objects.filter(municipal_party=chain.utrecht))
    new = {**before, "weight_crisis": 0, "weight_amount": 40}
    response = client_for(contact_of(chain.utrecht)).post(URL, _form(new, voorbeeld="1"))
    body = response.content.decode()
    old_ranks, new_ranks = _ranks(cases, before), _ranks(cases, new)
    moved = sum(1 for pk in old_ranks if old_ranks[pk] != new_ranks[pk])
    assert moved > 0
    assert f"krijgen {moved} van de {len(cases)} open zaken een andere plaats" in body
    shown = re.findall(r'data-testid="preview-row">\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)', body)
    assert [(int(a), int(b)) for a, b in shown] == sorted((new_ranks[pk], old_ranks[pk]) for pk in new_ranks)
    assert "3511 AB 2" in body  # by postcode and house number
    assert "Berg" not in body  # never a name
    # the form keeps the proposed weights; nothing was saved
    assert 'name="weight_amount" value="40"' in body
    assert priority.weights_of(CaseSettings.objects.get(municipal_party=chain.utrecht)) == before
    assert {c.pk: c.score for c in Case.objects.all()} == {c.pk: c.score for c in cases}


def test_r18_the_preview_shows_only_the_partys_own_cases(chain):
    three_cases(chain)
    chain.deliver(chain.water, [chain.signal(chain.water, postcode="3701AA", huisnummer="4")])
    preview = preview_weights(chain.zeist, priority.weights_of(None))
    assert preview.total == 1
    assert [row.postcode for row in preview.rows] == ["3701AA"]


def test_r18_saving_scores_the_open_cases_again_and_is_audited(chain):
    three_cases(chain)
    contact = contact_of(chain.utrecht)
    new = {**priority.weights_of(None), "weight_sectors": 70, "weight_claims": 1}
    response = client_for(contact).post(URL, _form(new, opslaan="1"))
    assert response.status_code == 302
    assert priority.weights_of(CaseSettings.objects.get(municipal_party=chain.utrecht)) == new
    for case in Case.objects.filter(municipal_party=chain.utrecht):
        assert case.score == priority.score(case, new)
    event = AuditEvent.objects.get(action="cases.settings_changed", actor=contact)
    assert event.details["weights"]["weight_sectors"] == [20, 70]


def test_r18_a_weight_out_of_bounds_is_refused_in_dutch_and_nothing_changes(chain):
    new = {**priority.weights_of(None), "weight_crisis": 101}
    body = client_for(contact_of(chain.utrecht)).post(URL, _form(new, opslaan="1")).content.decode()
    assert "Vul een heel getal in van 0 tot en met 100." in body
    assert 'value="101"' in body
    assert CaseSettings.objects.get(municipal_party=chain.utrecht).weight_crisis == 50


def test_a_handler_cannot_change_the_weights_and_another_contact_only_their_own(chain):
    three_cases(chain)
    new = {**priority.weights_of(None), "weight_crisis": 0}
    assert client_for(chain.handler).post(URL, _form(new, opslaan="1")).status_code == 403
    client_for(contact_of(chain.zeist)).post(URL, _form(new, opslaan="1"))
    assert CaseSettings.objects.get(municipal_party=chain.utrecht).weight_crisis == 50
    assert CaseSettings.objects.get(municipal_party=chain.zeist).weight_crisis == 0
