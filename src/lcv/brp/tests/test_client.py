"""The BRP client's behaviour on every kind of answer (issue 11): refusals are not retryable and
carry status, title and code; 5xx, timeouts and refused connections are `BrpUnavailable`; an
answer not as the spec says is `BrpMalformed`. Against the real test service over HTTP where it
can produce the answer, otherwise against a scripted local server."""

from __future__ import annotations

import datetime
import json
import socket

import pytest

from lcv.brp.client import BrpClient, client_from_settings
from lcv.brp.errors import BrpMalformed, BrpRefused, BrpUnavailable
from lcv.brp.models import BrpQuery
from lcv.brp.records import BrpDate
from lcv.brp.tests.conftest import API_KEY
from lcv.brp.tests.scripted import ScriptedServer


@pytest.fixture
def scripted():
    server = ScriptedServer()
    yield server
    server.stop()


def test_address_search_reads_the_answer_as_the_spec_defines_it(client, context):
    residents = client.search_address(postcode="3511 ab", house_number=12, house_letter="B", context=context)
    assert {(r.bsn, r.given_names, r.surname) for r in residents} == {
        ("999990007", "Sanne", "Bakker"),
        ("999990019", "Sem", "Bakker"),
    }
    sanne = next(r for r in residents if r.bsn == "999990007")
    assert sanne.birth_date == BrpDate("Datum", 1981, 3, 14)


def test_lookup_gives_naming_use_partners_and_municipality(client, context):
    (rosa,) = client.lookup(bsns=["999990044"], context=context)
    assert rosa.naming_use == "P"
    assert [(p.prefix, p.surname) for p in rosa.partners] == [("van", "Dijk")]
    assert rosa.municipality_code == "0344"


def test_name_search_finds_someone_elsewhere(client, context):
    found = client.search_name_birth_date(surname="Meijer", birth_date=datetime.date(1964, 1, 30), context=context)
    assert [r.bsn for r in found] == ["999990081"]


def test_wrong_api_key_is_refused_with_401(brp_service, recorded, context):
    client = BrpClient(brp_service.base_url, api_key="wrong", recorder=recorded)
    with pytest.raises(BrpRefused) as refused:
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert (refused.value.status, refused.value.code) == (401, "authentication")
    assert not refused.value.retryable
    assert recorded[-1]["outcome"] == BrpQuery.Outcome.REFUSED
    assert recorded[-1]["http_status"] == 401


def test_an_invalid_request_is_refused_with_400_naming_the_parameter_not_its_value(client, context):
    with pytest.raises(BrpRefused) as refused:
        client.search_address(postcode="0000XX", house_number=12, context=context)
    assert refused.value.status == 400
    assert refused.value.invalid_params == ("postcode",)
    assert "0000XX" not in str(refused.value)


def test_an_unknown_path_is_refused_with_404(brp_service, recorded, context):
    client = BrpClient(brp_service.base_url + "/haalcentraal/api/brp", api_key=API_KEY, recorder=recorded)
    with pytest.raises(BrpRefused) as refused:
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert refused.value.status == 404


@pytest.mark.parametrize("status", [401, 403, 404, 406, 415])
def test_refusals_carry_status_title_and_code(scripted, recorded, context, status):
    problem = {"type": "about:blank", "title": "U bent niet geautoriseerd voor deze operatie.", "status": status}
    scripted.answer(status=status, body=json.dumps(problem | {"code": "autorisation"}).encode())
    client = BrpClient(scripted.url, recorder=recorded)
    with pytest.raises(BrpRefused) as refused:
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert (refused.value.status, refused.value.code) == (status, "autorisation")
    assert refused.value.title == problem["title"]


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_server_errors_are_unavailable_and_retryable(scripted, recorded, context, status):
    scripted.answer(status=status, body=b'{"title": "Interne server fout.", "code": "serverError"}')
    client = BrpClient(scripted.url, recorder=recorded)
    with pytest.raises(BrpUnavailable) as unavailable:
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert unavailable.value.retryable
    assert recorded[-1]["outcome"] == BrpQuery.Outcome.UNAVAILABLE
    assert recorded[-1]["http_status"] == status


def test_a_timeout_is_unavailable(scripted, recorded, context):
    scripted.answer(status=200, body=b'{"type": "ZoekMetPostcodeEnHuisnummer"}', delay=1.0)
    client = BrpClient(scripted.url, timeout=0.2, recorder=recorded)
    with pytest.raises(BrpUnavailable):
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert recorded[-1]["http_status"] is None


def test_a_refused_connection_is_unavailable(recorded, context):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nobody listens there
    client = BrpClient(f"http://127.0.0.1:{port}", recorder=recorded)
    with pytest.raises(BrpUnavailable):
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert recorded[-1]["outcome"] == BrpQuery.Outcome.UNAVAILABLE


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>Service Unavailable</html>", "text/html"),
        (b"{not json", "application/json"),
        (b'{"personen": []}', "application/json"),  # no type
        (b'{"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": []}', "application/json"),  # another type
        (b'{"type": "ZoekMetPostcodeEnHuisnummer", "personen": {}}', "application/json"),
        (
            b'{"type": "ZoekMetPostcodeEnHuisnummer", "personen": [{"naam": {"geslachtsnaam": "X"}}]}',
            "application/json",
        ),
        (
            b'{"type": "ZoekMetPostcodeEnHuisnummer", "personen": [{"burgerservicenummer": "999990007",'
            b' "geboorte": {"datum": "1981-03-14"}}]}',  # a date must be one of the spec's date objects
            "application/json",
        ),
        (
            b'{"type": "ZoekMetPostcodeEnHuisnummer", "personen": [{"burgerservicenummer": "999990007",'
            b' "geboorte": {"datum": {"type": "Datum", "datum": "14-03-1981", "langFormaat": "x"}}}]}',
            "application/json",
        ),
    ],
)
def test_an_answer_not_as_the_spec_says_is_malformed(scripted, recorded, context, body, content_type):
    scripted.answer(status=200, body=body, content_type=content_type)
    client = BrpClient(scripted.url, recorder=recorded)
    with pytest.raises(BrpMalformed) as malformed:
        client.search_address(postcode="3511AB", house_number=12, context=context)
    assert "999990007" not in str(malformed.value)
    assert "1981" not in str(malformed.value)
    assert recorded[-1]["outcome"] == BrpQuery.Outcome.MALFORMED


def test_partial_dates_are_read_as_the_spec_types(scripted, recorded, context):
    people = [
        {
            "burgerservicenummer": "999990007",
            "geboorte": {"datum": {"type": "JaarMaandDatum", "jaar": 1981, "maand": 3, "langFormaat": "maart 1981"}},
        },
        {
            "burgerservicenummer": "999990019",
            "geboorte": {"datum": {"type": "JaarDatum", "jaar": 1981, "langFormaat": "1981"}},
        },
        {
            "burgerservicenummer": "999990020",
            "geboorte": {"datum": {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}},
        },
    ]
    scripted.answer(body=json.dumps({"type": "ZoekMetPostcodeEnHuisnummer", "personen": people}).encode())
    residents = BrpClient(scripted.url, recorder=recorded).search_address(
        postcode="3511AB", house_number=12, context=context
    )
    assert [r.birth_date for r in residents] == [
        BrpDate("JaarMaandDatum", 1981, 3),
        BrpDate("JaarDatum", 1981),
        BrpDate("DatumOnbekend"),
    ]


def test_no_brp_configured_means_no_client(settings):
    settings.BRP_BASE_URL = ""
    assert client_from_settings() is None


def test_the_client_follows_the_settings(settings, tmp_path):
    settings.BRP_BASE_URL = "https://brp.example.nl/haalcentraal/api/brp"
    settings.BRP_API_KEY = "sleutel"
    settings.BRP_API_KEY_HEADER = "X-Api-Key"
    settings.BRP_CLIENT_CERT, settings.BRP_CLIENT_KEY = "/etc/lcv/brp.crt", "/etc/lcv/brp.key"
    settings.BRP_CA_BUNDLE = "/etc/lcv/brp-ca.pem"
    settings.BRP_TIMEOUT_SECONDS = 7
    client = client_from_settings()
    assert client is not None
    assert client.url == "https://brp.example.nl/haalcentraal/api/brp/personen"
    assert client.headers["X-Api-Key"] == "sleutel"
    assert client.cert == ("/etc/lcv/brp.crt", "/etc/lcv/brp.key")
    assert (client.verify, client.timeout) == ("/etc/lcv/brp-ca.pem", 7)
