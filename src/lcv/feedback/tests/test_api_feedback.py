"""GET /api/v1/feedback: a partner's own feedback, in a stable order, paged with a cursor."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lcv.cases import services
from lcv.cases.models import Case
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.feedback.models import FeedbackMessage
from lcv.signals import tokens
from lcv.testing.factories import member

URL = "/api/v1/feedback"
ON = date(2026, 3, 22)


def client_of(organisation) -> Client:
    _token, plain = tokens.create_token(organisation=organisation, actor=member(organisation, "contact"), name="t")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def households(chain, count: int) -> list[Case]:
    for number in range(1, count + 1):
        chain.deliver(
            chain.water,
            [
                chain.signal(chain.water, klantnummer=f"W-{number}", huisnummer=str(number)),
            ],
        )
        chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer=f"E-{number}", huisnummer=str(number))])
    return list(Case.objects.order_by("house_number"))


def test_r20_the_api_returns_only_the_partners_own_feedback_with_pause(chain):
    case = households(chain, 1)[0]
    services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=ON)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
    body = client_of(chain.water).get(URL).json()
    assert [m["klantnummer"] for m in body["berichten"]] == ["W-1"]
    message = body["berichten"][0]
    assert message["soort"] == "feedback.created"
    assert message["terugkoppeling"] == "hulp_geaccepteerd"
    assert message["incasso_gepauzeerd_tot_en_met"] == "2026-04-21"
    assert message["gemeente"] == chain.utrecht.name
    # nothing about the household or the other partner
    text = str(body)
    for other in ("E-1", "Stroom", "3511", "Bea"):
        assert other not in text
    assert client_of(chain.housing).get(URL).json()["berichten"] == []


def test_r20_paging_with_the_cursor_is_stable_and_costs_the_same_queries_per_page(chain):
    cases = households(chain, 7)
    services.close_many(cases=Case.objects.all(), actor=chain.handler, outcome=Outcome.REPEATED)
    client = client_of(chain.water)
    client.get(URL, {"limit": 1})  # the first use of a token also records its last use (one more query)
    seen: list[str] = []
    since: str = "0"
    counts: list[int] = []
    while True:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(URL, {"since": since, "limit": "2"}).json()
        counts.append(len(queries))
        seen += [m["klantnummer"] for m in body["berichten"]]
        since = body["volgende"]
        if not body["meer"]:
            break
    assert seen == [f"W-{n}" for n in range(1, 8)]
    assert len(set(counts)) == 1, counts
    # later feedback comes after the cursor: nothing is skipped or repeated
    services.reopen(case_id=cases[0].pk, actor=chain.handler, reason="fout")
    services.close(case_id=cases[0].pk, actor=chain.handler, outcome=Outcome.DECEASED)
    later = client.get(URL, {"since": since}).json()["berichten"]
    assert [(m["soort"], m["reden"]) for m in later] == [("feedback.corrected", "overleden")]
    first = FeedbackMessage.objects.filter(partner=chain.water).earliest("id")
    assert later[0]["corrigeert"] == str(first.public_id)


def test_the_feedback_api_refuses_a_bad_cursor_and_a_missing_token(chain):
    assert Client().get(URL).status_code == 401
    client = client_of(chain.water)
    assert client.get(URL, {"since": "abc"}).status_code == 422
    assert client.get(URL, {"limit": 501}).status_code == 422
