"""R16: the municipal party's contact records mandates for executors; the executor's handlers see
exactly the mandated cases, nothing after the mandate ended, and without BRP access nothing the
BRP check has not done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lcv.accounts.policy import Action, can
from lcv.audit.models import AuditEvent
from lcv.cases import mandates
from lcv.cases.models import BrpStatus, Case, Mandate, Tray
from lcv.cases.selectors import visible_cases
from lcv.cases.tests.settings_support import client_for, contact_of, executor, three_cases
from lcv.testing.factories import member

URL = reverse("case_settings:mandates")


@pytest.fixture
def welzijn():
    return executor()


def _post(chain, welzijn, **changes):
    today = timezone.localdate()
    data = {"executor": str(welzijn.pk), "valid_from": today.isoformat(), "valid_until": "", "trays": []}
    return client_for(contact_of(chain.utrecht)).post(URL, {**data, **changes})


def _seen_by(handler) -> set[int]:
    return set(visible_cases(handler.membership.organisation).values_list("pk", flat=True))


def test_r16_an_executor_sees_exactly_the_cases_of_the_mandated_trays(chain, welzijn):
    cases = three_cases(chain)
    Case.objects.update(brp_status=BrpStatus.MATCHED)
    tray = Tray.objects.get(municipal_party=chain.utrecht, name="Meerdere schuldeisers")
    response = _post(chain, welzijn, trays=[str(tray.pk)])
    assert response.status_code == 302
    handler = member(welzijn, "handler", email="h@welzijn.nl")
    expected = {case.pk for case in Case.objects.filter(tray=tray)}
    assert expected
    assert _seen_by(handler) == expected
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        assert can(handler, Action.HANDLE_CASES, case) is (case.pk in expected)
    # and nothing of another municipality
    chain.deliver(chain.water, [chain.signal(chain.water, postcode="3701AA", huisnummer="4")])
    assert _seen_by(handler) == expected
    event = AuditEvent.objects.get(action="cases.mandate_recorded")
    assert event.details["trays"] == [tray.pk]


def test_r16_a_mandate_for_all_trays_shows_every_case_of_the_party(chain, welzijn):
    three_cases(chain)
    Case.objects.update(brp_status=BrpStatus.MATCHED)
    _post(chain, welzijn, brp_access="on")
    handler = member(welzijn, "handler", email="h@welzijn.nl")
    assert _seen_by(handler) == set(Case.objects.filter(municipal_party=chain.utrecht).values_list("pk", flat=True))


def test_r16_without_brp_access_the_executor_sees_only_cases_the_brp_check_has_done(chain, welzijn):
    one, two, three = three_cases(chain)
    Case.objects.filter(pk=one.pk).update(brp_status=BrpStatus.MATCHED)
    Case.objects.filter(pk=two.pk).update(brp_status=BrpStatus.PENDING)
    Case.objects.filter(pk=three.pk).update(brp_status=BrpStatus.MISMATCH)
    _post(chain, welzijn)
    handler = member(welzijn, "handler", email="h@welzijn.nl")
    assert _seen_by(handler) == {one.pk}
    assert not can(handler, Action.HANDLE_CASES, Case.objects.get(pk=two.pk))


def test_r16_after_end_now_the_executor_sees_nothing(chain, welzijn):
    three_cases(chain)
    Case.objects.update(brp_status=BrpStatus.MATCHED)
    _post(chain, welzijn)
    handler = member(welzijn, "handler", email="h@welzijn.nl")
    case = Case.objects.first()
    assert can(handler, Action.HANDLE_CASES, case)
    mandate = Mandate.objects.get()
    response = client_for(contact_of(chain.utrecht, "c2@utrecht.nl")).post(
        reverse("case_settings:mandate_end", args=[mandate.pk])
    )
    assert response.status_code == 302
    assert _seen_by(handler) == set()
    assert not can(handler, Action.HANDLE_CASES, case)
    assert AuditEvent.objects.filter(action="cases.mandate_ended").count() == 1
    page = client_for(contact_of(chain.utrecht, "c3@utrecht.nl")).get(URL).content.decode()
    ended = page.split("Beëindigde mandaten</h2>")[1]
    assert "Welzijn Plus" in ended


def test_r16_a_future_mandate_shows_nothing_until_it_starts_and_can_be_withdrawn(chain, welzijn):
    three_cases(chain)
    Case.objects.update(brp_status=BrpStatus.MATCHED)
    start = timezone.localdate() + timedelta(days=10)
    _post(chain, welzijn, valid_from=start.isoformat())
    handler = member(welzijn, "handler", email="h@welzijn.nl")
    assert _seen_by(handler) == set()
    mandate = Mandate.objects.get()
    assert mandates.grouped(chain.utrecht).future == [mandate]
    mandates.end_mandate(party=chain.utrecht, actor=contact_of(chain.utrecht), mandate_id=mandate.pk)
    mandate.refresh_from_db()
    assert mandate.valid_until is not None
    assert mandate.valid_until < mandate.valid_from
    assert mandates.grouped(chain.utrecht, start + timedelta(days=1)).running == []


def test_r16_dates_are_checked_in_dutch_and_the_input_is_kept(chain, welzijn):
    today = timezone.localdate()
    body = _post(
        chain, welzijn, valid_from=(today + timedelta(days=5)).isoformat(), valid_until=today.isoformat()
    ).content.decode()
    assert "Deze datum ligt vóór de datum bij &#x27;Vanaf&#x27;. Kies een latere datum." in body
    assert f'value="{(today + timedelta(days=5)).isoformat()}"' in body
    body = _post(
        chain,
        welzijn,
        valid_from=(today - timedelta(days=30)).isoformat(),
        valid_until=(today - timedelta(days=1)).isoformat(),
    ).content.decode()
    assert "De einddatum ligt in het verleden." in body
    body = _post(chain, welzijn, executor="").content.decode()
    assert "Kies een uitvoerder uit de lijst." in body
    assert not Mandate.objects.exists()


def test_r16_only_executors_can_be_chosen_and_only_the_partys_own_trays(chain, welzijn):
    zeist_tray = Tray.objects.create(municipal_party=chain.zeist, name="Zeist", approach="phone")
    body = _post(chain, welzijn, trays=[str(zeist_tray.pk)]).content.decode()
    assert "Kies alleen werkbakken uit de lijst van uw eigen organisatie." in body
    body = _post(chain, chain.water).content.decode()
    assert "Kies een uitvoerder uit de lijst." in body
    page = client_for(contact_of(chain.utrecht, "c9@utrecht.nl")).get(URL).content.decode()
    assert "Welzijn Plus" in page
    assert "Water Midden" not in page
    assert not Mandate.objects.exists()


def test_r16_another_municipality_and_a_handler_cannot_record_or_end_a_mandate(chain, welzijn):
    mandate = Mandate.objects.create(
        municipal_party=chain.utrecht, executor=welzijn, valid_from=timezone.localdate(), created_by=chain.handler
    )
    zeist = client_for(contact_of(chain.zeist))
    assert "Welzijn Plus" not in zeist.get(URL).content.decode().split("Mandaat vastleggen</h2>")[0]
    assert zeist.post(reverse("case_settings:mandate_end", args=[mandate.pk])).status_code == 404
    handler = client_for(chain.handler)
    assert handler.get(URL).status_code == 403
    assert handler.post(reverse("case_settings:mandate_end", args=[mandate.pk])).status_code == 403
    mandate.refresh_from_db()
    assert mandate.valid_until is None
