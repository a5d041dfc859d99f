"""The handler's screens: what a page shows, who may see it, and that opening is logged (§4)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from lcv.cases.models import Case, CaseAccess, CaseEvent, ContactAttempt, Mandate
from lcv.cases.outcomes import DEFINITIONS, Outcome
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member


@pytest.fixture
def case(chain) -> Case:
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1", crisis="ja")])
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1", huisnummer="14")])
    return chain.open_case()


@pytest.fixture
def handler_client(client, chain):
    login_verified(client, chain.handler)
    return client


def test_the_tray_lists_the_cases_by_deadline_with_the_score_explained(handler_client, case):
    body = handler_client.get(reverse("cases:work")).content.decode()
    first, second = body.index(f"Zaak {case.pk}<"), body.index(f"Zaak {chain_case(14).pk}<")
    assert first < second  # the crisis case is due first (3 working days)
    assert "Zo is de prioriteit berekend" in body
    assert "Crisis of bedreigende situatie" in body
    assert "Oudegracht" in body


def chain_case(number: int) -> Case:
    return Case.objects.get(house_number=number)


def test_the_tray_filters_and_exports_without_bsn(handler_client, case):
    case.persons.update(bsn="999990007")
    body = handler_client.get(reverse("cases:work") + "?sector=energy").content.decode()
    assert f"Zaak {chain_case(14).pk}<" in body
    assert f"Zaak {case.pk}<" not in body
    export = handler_client.get(reverse("cases:work") + "?formaat=csv")
    text = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert str(case.pk) in text
    assert "999990007" not in text
    assert "bsn" not in text.lower()


def test_the_tray_rejects_a_malformed_postcode_filter_in_dutch(handler_client, case):
    body = handler_client.get(reverse("cases:work") + "?postcode=35x").content.decode()
    assert "Vul de vier cijfers van de postcode in" in body


def test_opening_a_case_and_a_person_is_logged(handler_client, case, chain):
    response = handler_client.get(reverse("cases:case", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berg" in body
    assert "Afsluiten" in body
    for outcome in Outcome:
        assert str(DEFINITIONS[outcome])[:40] in body
    person = case.persons.get()
    handler_client.get(reverse("cases:person", args=[case.pk, person.pk]))
    log = list(CaseAccess.objects.values_list("user", "case", "what", "person"))
    assert log == [(chain.handler.pk, case.pk, "person", person.pk), (chain.handler.pk, case.pk, "case", None)]


def test_a_contradiction_is_refused_on_the_page_with_the_input_kept(handler_client, case):
    url = reverse("cases:close", args=[case.pk])
    response = handler_client.post(url, {"outcome": Outcome.ADVICE})
    assert response.status_code == 422
    body = response.content.decode()
    assert "kan alleen als de inwoner is bereikt" in body
    assert re.search(rf'value="{Outcome.ADVICE.value}"[^>]*checked', body), "the chosen outcome is kept"
    assert Case.objects.get(pk=case.pk).is_open


def test_the_handler_records_attempts_and_help_accepted_through_the_pages(handler_client, case):
    post = handler_client.post
    post(
        reverse("cases:attempt", args=[case.pk]),
        {"kind": "phone", "reached": "nee", "on": "2026-03-22", "part_of_day": "morning"},
    )
    post(reverse("cases:attempt", args=[case.pk]), {"kind": "home_visit", "reached": "ja", "on": "2026-03-22"})
    response = post(reverse("cases:accept_help", args=[case.pk]), follow=True)
    body = response.content.decode()
    assert "Hulp geaccepteerd" in body
    assert "Plan binnen 8 weken na acceptatie" in body
    assert ContactAttempt.objects.filter(case=case).count() == 2
    assert Case.objects.get(pk=case.pk).due_on == date(2026, 5, 18)


def test_r16_another_municipality_cannot_open_list_or_export_the_case(client, case, chain):
    zeist_handler = member(chain.zeist, "handler", email="h@zeist.nl")
    login_verified(client, zeist_handler)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("cases:attempt", args=[case.pk]), {"kind": "phone", "reached": "nee", "on": "2026-03-22"}
        ).status_code
        == 404
    )
    assert f"Zaak {case.pk}<" not in client.get(reverse("cases:work")).content.decode()
    assert "Oudegracht" not in client.get(reverse("cases:work") + "?formaat=csv").content.decode("utf-8-sig")
    assert not CaseAccess.objects.exists()
    assert not CaseEvent.objects.filter(event="attempt").exists()


def test_a_partner_and_an_analyst_see_no_case_pages(client, case, chain):
    for user in (
        member(chain.water, "handler", "contact", email="x@water.nl"),
        member(chain.utrecht, "analyst", email="a@utrecht.nl"),
    ):
        login_verified(client, user)
        assert client.get(reverse("cases:work")).status_code in (403, 404)
        assert client.get(reverse("cases:case", args=[case.pk])).status_code in (403, 404)


def test_r16_an_executor_sees_exactly_its_mandated_cases_and_none_after_the_mandate(client, case, chain):
    from lcv.cases.models import BrpStatus, Tray

    executor = make_organisation(kind="executor", name="Schuldhulp BV", sector="", national_coverage=False)
    worker = member(executor, "handler", email="w@uitvoerder.nl")
    login_verified(client, worker)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    urgent = Tray.objects.get(municipal_party=chain.utrecht, name="Crisis en afsluiting")
    mandate = Mandate.objects.create(
        municipal_party=chain.utrecht, executor=executor, valid_from=date(2026, 3, 1), created_by=chain.handler
    )
    mandate.trays.add(urgent)
    other = chain_case(14)
    Case.objects.update(brp_status=BrpStatus.MATCHED)
    assert case.tray_id == urgent.pk
    assert other.tray_id != urgent.pk
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:case", args=[other.pk])).status_code == 404
    body = client.get(reverse("cases:work")).content.decode()
    assert f"Zaak {case.pk}<" in body
    assert f"Zaak {other.pk}<" not in body
    # without BRP access the executor sees a case only once the BRP check is done
    Case.objects.filter(pk=case.pk).update(brp_status=BrpStatus.PENDING)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    Case.objects.filter(pk=case.pk).update(brp_status=BrpStatus.MATCHED)
    Mandate.objects.filter(pk=mandate.pk).update(valid_until=date(2026, 3, 21))
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert f"Zaak {case.pk}<" not in client.get(reverse("cases:work")).content.decode()


def test_r16_a_joint_arrangement_sees_its_members_cases(client, case, chain):
    from lcv.organisations.models import Municipality

    arrangement = make_organisation(kind="joint_arrangement", name="Regio Utrecht", sector="", national_coverage=False)
    arrangement.municipalities.add(Municipality.objects.get(cbs_code="0344"))
    login_verified(client, member(arrangement, "handler", email="h@regio.nl"))
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
