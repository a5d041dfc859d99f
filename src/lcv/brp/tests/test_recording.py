"""Issue 11: every BRP query is recorded (who or which job, which case, when, which fields) and
the record holds no personal data."""

from __future__ import annotations

import datetime

import pytest

from lcv.brp.check import Address, check_person
from lcv.brp.client import BrpClient
from lcv.brp.errors import BrpRefused
from lcv.brp.matching import SignalPerson
from lcv.brp.models import BrpQuery
from lcv.brp.services import QueryContext
from lcv.brp.tests.conftest import API_KEY
from lcv.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_query_of_a_check_is_recorded_without_personal_data(brp_service):
    user = make_user()
    client = BrpClient(brp_service.base_url, api_key=API_KEY)
    person = SignalPerson("A.", "Meijer", birth_date=datetime.date(1964, 1, 30))
    check_person(
        client,
        person,
        Address("3511BB", 21),
        municipality_code="0344",
        context=QueryContext(actor_id=user.pk, reference="zaak 123"),
    )
    rows = list(BrpQuery.objects.order_by("id"))
    assert [row.query_type for row in rows] == [
        "ZoekMetPostcodeEnHuisnummer",
        "RaadpleegMetBurgerservicenummer",
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        "RaadpleegMetBurgerservicenummer",
    ]
    assert {(row.actor_id, row.job, row.reference) for row in rows} == {(user.pk, "", "zaak 123")}
    assert all(row.outcome == BrpQuery.Outcome.ANSWERED and row.http_status == 200 for row in rows)
    assert rows[0].fields == [
        "burgerservicenummer",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
    ]
    assert [row.result_count for row in rows] == [1, 1, 1, 1]
    stored = repr([vars(row) for row in rows])
    for personal in ("Meijer", "meijer", "1964", "3511", "999990081", "999990068", "Amrani"):
        assert personal not in stored


def test_a_refused_query_is_recorded_too(brp_service):
    client = BrpClient(brp_service.base_url, api_key="wrong")
    with pytest.raises(BrpRefused):
        client.search_address(postcode="3511AB", house_number=12, context=QueryContext(job="brp_check"))
    row = BrpQuery.objects.get()
    assert (row.outcome, row.http_status, row.job, row.result_count) == (
        BrpQuery.Outcome.REFUSED,
        401,
        "brp_check",
        None,
    )


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"job": "x", "reference": "bsn 999990007"}, {"job": "x", "reference": "3511 AB 12"}, {"job": "x" * 101}],
)
def test_a_context_without_asker_or_with_personal_data_is_refused(kwargs):
    with pytest.raises(ValueError):  # noqa: PT011 (the message is deliberately generic)
        QueryContext(**kwargs)
