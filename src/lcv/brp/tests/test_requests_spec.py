"""Issue 11: every request the BRP client can send validates against the published spec
(`openapi.yaml`, the schema its `type` names, undeclared properties refused), and asks only
fields the answer type has."""

from __future__ import annotations

import datetime
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from lcv.brp import spec
from lcv.brp.check import Address, check_person
from lcv.brp.client import (
    LOOKUP_FIELDS,
    SEARCH_FIELDS,
    BrpClient,
    address_query,
    bsn_query,
    name_birth_date_query,
    split_addition,
)
from lcv.brp.matching import SignalPerson
from lcv.brp.tests.conftest import API_KEY


def errors_of(body):
    return [error.message for error in spec.request_validator(body["type"]).iter_errors(body)]


postcodes = st.builds(
    lambda digits, letters, space: f"{digits}{' ' if space else ''}{letters}",
    st.from_regex(r"[1-9][0-9]{3}", fullmatch=True),
    st.text(alphabet=string.ascii_letters, min_size=2, max_size=2),
    st.booleans(),
)
additions = st.from_regex(r"[a-zA-Z0-9]{1,4}", fullmatch=True) | st.just("")
name_chars = string.ascii_letters + "àáâäçèéêëïíóöôúüÿÀÉÖÜñ '-."
surnames = st.text(alphabet=name_chars, min_size=1, max_size=60).filter(lambda s: s.strip(" '-.") != "")
bsns = st.from_regex(r"[0-9]{9}", fullmatch=True)


@settings(max_examples=200)
@given(postcodes, st.integers(1, 99999), additions, st.sampled_from(["", "0344", "0363"]))
def test_every_address_query_validates(postcode, number, addition, municipality):
    letter, rest = split_addition(addition)
    body = address_query(
        postcode=postcode, house_number=number, house_letter=letter, addition=rest, municipality_code=municipality
    )
    assert errors_of(body) == []


@settings(max_examples=200)
@given(surnames, st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)), st.sampled_from(["", "van", "de"]))
def test_every_name_and_birth_date_query_validates(surname, birth_date, prefix):
    body = name_birth_date_query(surname=surname, birth_date=birth_date, prefix=prefix)
    assert errors_of(body) == []


@given(st.lists(bsns, min_size=1, max_size=20))
def test_every_bsn_query_validates(numbers):
    assert errors_of(bsn_query(bsns=numbers)) == []


def test_the_validator_is_not_toothless():
    body = address_query(postcode="3511AB", house_number=12)
    assert errors_of(body | {"huisnummer": 0})
    assert errors_of(body | {"postcode": "0511AB"})
    assert errors_of(body | {"straat": "Oudegracht"})  # not a parameter of this query type
    assert errors_of({k: v for k, v in body.items() if k != "huisnummer"})


def test_fields_are_only_what_the_answer_type_has():
    assert set(SEARCH_FIELDS) <= spec.field_paths("ZoekMetPostcodeEnHuisnummer")
    assert set(SEARCH_FIELDS) <= spec.field_paths("ZoekMetGeslachtsnaamEnGeboortedatum")
    assert set(LOOKUP_FIELDS) <= spec.field_paths("RaadpleegMetBurgerservicenummer")
    # the searches' PersoonBeperkt has no naming use, partners or municipality: hence the lookup
    assert "naam.aanduidingNaamgebruik" not in spec.field_paths("ZoekMetPostcodeEnHuisnummer")
    assert "partners.naam.geslachtsnaam" not in spec.field_paths("ZoekMetPostcodeEnHuisnummer")


class CapturingClient(BrpClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = []

    def _post(self, body):
        self.sent.append(body)
        return super()._post(body)


def test_the_requests_of_a_whole_check_validate(brp_service, recorded, context):
    client = CapturingClient(brp_service.base_url, api_key=API_KEY, recorder=recorded)
    person = SignalPerson("A.", "Meijer", birth_date=datetime.date(1964, 1, 30))
    check_person(client, person, Address("3511BB", 21), municipality_code="0344", context=context)
    assert [body["type"] for body in client.sent] == [
        "ZoekMetPostcodeEnHuisnummer",
        "RaadpleegMetBurgerservicenummer",
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        "RaadpleegMetBurgerservicenummer",
    ]
    for body in client.sent:
        assert errors_of(body) == []
        assert set(body["fields"]) <= spec.field_paths(body["type"])
