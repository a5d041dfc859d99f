"""The BRP test service answers as the spec says: its answers validate against the spec's answer
schemas, `fields` is applied, and its errors are the spec's problem details (400 with
`invalidParams`, 401, 404, 405, 406, 415)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from lcv.brp import spec
from lcv.brp.demo_residents import DemoResident, load_residents
from lcv.brp.persons import persoon
from lcv.brp.tests.conftest import API_KEY
from lcv.brp.testservice import start_test_service

HEADERS = {"X-API-KEY": API_KEY, "Content-Type": "application/json; charset=utf-8"}
ADDRESS = {
    "type": "ZoekMetPostcodeEnHuisnummer",
    "fields": ["burgerservicenummer"],
    "postcode": "3511AB",
    "huisnummer": 12,
}


def post(service, body, headers=HEADERS, path="/personen"):
    return requests.post(service.base_url + path, data=json.dumps(body), headers=headers, timeout=5)


def assert_problem(response, status):
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    schema = "BadRequestFoutbericht" if status == 400 else "Foutbericht"
    assert list(spec.validator(schema).iter_errors(problem)) == []
    return problem


@pytest.mark.parametrize(
    "body",
    [
        ADDRESS | {"fields": ["burgerservicenummer", "naam", "geboorte.datum", "adressering"]},
        {
            "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
            "fields": ["naam.geslachtsnaam", "geboorte"],
            "geslachtsnaam": "meij*",
            "geboortedatum": "1964-01-30",
        },
        {
            "type": "RaadpleegMetBurgerservicenummer",
            "burgerservicenummer": ["999990044", "999990056"],
            "fields": ["naam", "partners", "gemeenteVanInschrijving", "verblijfplaats", "geboorte"],
        },
    ],
)
def test_answers_validate_against_the_spec(brp_service, body):
    response = post(brp_service, body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["personen"]
    assert list(spec.validator(body["type"] + "Response").iter_errors(answer)) == []
    person_schema = spec.validator(spec.PERSON_SCHEMA[body["type"]])
    for person in answer["personen"]:
        assert list(person_schema.iter_errors(person)) == []


def test_every_demo_resident_is_a_valid_persoon():
    from lcv.brp.demo_residents import DEMO_RESIDENTS

    for resident in DEMO_RESIDENTS:
        assert list(spec.validator("Persoon").iter_errors(persoon(resident))) == [], resident.bsn


def test_fields_returns_only_what_was_asked(brp_service):
    body = ADDRESS | {"fields": ["naam.geslachtsnaam", "geboorte.datum"]}
    people = post(brp_service, body).json()["personen"]
    assert people == [
        {
            "naam": {"geslachtsnaam": "Bakker"},
            "geboorte": {"datum": {"type": "Datum", "datum": "1981-03-14", "langFormaat": "14 maart 1981"}},
        },
        {
            "naam": {"geslachtsnaam": "Bakker"},
            "geboorte": {"datum": {"type": "Datum", "datum": "2004-07-02", "langFormaat": "2 juli 2004"}},
        },
    ]


def test_house_letter_and_municipality_filter(brp_service):
    assert post(brp_service, ADDRESS | {"huisletter": "C"}).json()["personen"] == []
    assert len(post(brp_service, ADDRESS | {"huisletter": "b"}).json()["personen"]) == 2
    assert post(brp_service, ADDRESS | {"gemeenteVanInschrijving": "0307"}).json()["personen"] == []


@pytest.mark.parametrize(
    ("change", "name", "code"),
    [
        ({"huisnummer": "twaalf"}, "huisnummer", "integer"),
        ({"postcode": "351AB"}, "postcode", "pattern"),
        ({"straat": "Oudegracht"}, "straat", "unknownParam"),
        ({"fields": []}, "fields", "array"),
        ({"fields": ["naam.aanduidingNaamgebruik"]}, "fields", "fields"),  # not in PersoonBeperkt
        ({"fields": ["inOnderzoek"]}, "fields", "fields"),  # delivered automatically, may not be asked
        ({"type": "ZoekMetAllesEnNiets"}, "type", "value"),
    ],
)
def test_an_invalid_request_is_400_with_invalid_params(brp_service, change, name, code):
    problem = assert_problem(post(brp_service, ADDRESS | change), 400)
    assert (problem["code"], [(p["name"], p["code"]) for p in problem["invalidParams"]]) == (
        "paramsValidation",
        [(name, code)],
    )


def test_a_missing_parameter_is_named(brp_service):
    body = {key: value for key, value in ADDRESS.items() if key != "huisnummer"}
    problem = assert_problem(post(brp_service, body), 400)
    assert [(p["name"], p["code"]) for p in problem["invalidParams"]] == [("huisnummer", "required")]


def test_not_json_is_400(brp_service):
    response = requests.post(brp_service.base_url + "/personen", data=b"{oops", headers=HEADERS, timeout=5)
    assert_problem(response, 400)


@pytest.mark.parametrize("headers", [{"Content-Type": "application/json"}, HEADERS | {"X-API-KEY": "wrong"}])
def test_without_or_with_a_wrong_key_is_401(brp_service, headers):
    assert assert_problem(post(brp_service, ADDRESS, headers=headers), 401)["code"] == "authentication"


def test_unknown_path_is_404_and_wrong_method_405(brp_service):
    assert_problem(post(brp_service, ADDRESS, path="/personen/999990007"), 404)
    assert_problem(requests.get(brp_service.base_url + "/personen", headers=HEADERS, timeout=5), 405)


def test_wrong_media_types_are_406_and_415(brp_service):
    assert_problem(post(brp_service, ADDRESS, headers=HEADERS | {"Accept": "text/xml"}), 406)
    assert_problem(post(brp_service, ADDRESS, headers=HEADERS | {"Content-Type": "text/plain"}), 415)


def test_residents_from_a_file(tmp_path):
    path = tmp_path / "residents.json"
    person: dict[str, Any] = {
        "bsn": "999990263",
        "given_names": "Bo",
        "surname": "Blom",
        "birth_date": "1999",
        "postcode": "1011AB",
        "house_number": 1,
        "street": "Dam",
        "town": "Amsterdam",
        "municipality_code": "0363",
        "municipality_name": "Amsterdam",
    }
    path.write_text(json.dumps([person]))
    residents = load_residents(path)
    assert residents == [DemoResident(**person)]
    with start_test_service(api_key="k", residents=residents) as service:
        body = ADDRESS | {"postcode": "1011AB", "huisnummer": 1, "fields": ["geboorte.datum"]}
        answer = post(service, body, headers=HEADERS | {"X-API-KEY": "k"}).json()
    assert answer["personen"] == [{"geboorte": {"datum": {"type": "JaarDatum", "jaar": 1999, "langFormaat": "1999"}}}]
