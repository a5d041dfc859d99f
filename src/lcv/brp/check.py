"""The BRP check of one signalled person (R17): as few questions as the answer needs.

1. Who lives at the address (`ZoekMetPostcodeEnHuisnummer`). One fitting resident: done.
2. Nobody fits by their own name: look the residents up by BSN for their naming use and
   partners' names (`RaadpleegMetBurgerservicenummer`), for a resident known by a partner's name.
3. Still nobody and the signal has a birth date: search the name and birth date anywhere
   (`ZoekMetGeslachtsnaamEnGeboortedatum`) and look those found up for their municipality, to
   tell "moved within the municipality" from "registered elsewhere".
"""

from __future__ import annotations

from dataclasses import dataclass

from lcv.brp.client import BrpClient, split_addition
from lcv.brp.matching import Comparison, Outcome, SignalPerson, compare, split_prefix
from lcv.brp.services import QueryContext

SETTLED = frozenset({Outcome.MATCH, Outcome.AMBIGUOUS})


@dataclass(frozen=True)
class Address:
    """The delivery address as signalled: postcode, house number and the one "toevoeging"."""

    postcode: str
    house_number: int
    addition: str = ""


def check_person(
    client: BrpClient, person: SignalPerson, address: Address, *, municipality_code: str, context: QueryContext
) -> Comparison:
    """R17: the residence check of one person at one address. Raises a `BrpError` when the BRP
    gives no usable answer (`BrpUnavailable` is worth a retry; every query is recorded)."""
    letter, addition = split_addition(address.addition)
    at_address = client.search_address(
        postcode=address.postcode,
        house_number=address.house_number,
        house_letter=letter,
        addition=addition,
        context=context,
    )
    result = compare(person, at_address, municipality_code=municipality_code)
    if result.outcome in SETTLED:
        return result
    if at_address:
        at_address = client.lookup(bsns=[resident.bsn for resident in at_address], context=context)
        result = compare(person, at_address, municipality_code=municipality_code)
        if result.outcome in SETTLED:
            return result
    if person.birth_date is None:
        return result
    # without the prefix: partners put it in the surname or leave it out, and the BRP filters on it
    _, bare_surname = split_prefix(person.prefix, person.surname)
    found = client.search_name_birth_date(surname=bare_surname, birth_date=person.birth_date, context=context)
    if found:
        found = client.lookup(bsns=[resident.bsn for resident in found], context=context)
    return compare(person, at_address, found, municipality_code=municipality_code)
