from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lcv.organisations.models import Sector
from lcv.testing.factories import make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, postcode

# the 22nd: inside the default delivery moments (R14)
ON_A_DELIVERY_DAY = datetime(2026, 3, 22, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def delivery_day():
    with time_machine.travel(ON_A_DELIVERY_DAY, tick=True):
        yield ON_A_DELIVERY_DAY


@pytest.fixture
def world(db, delivery_day):
    """Water Midden (national) with active agreements with Utrecht and Zeist; Amersfoort is
    registered but its agreement is only a draft; 3511AB lies in Utrecht, 3701AA in Zeist, 3811AA in
    Amersfoort, 1011AA in Amsterdam (not registered)."""
    utrecht = municipality_organisation("0344")
    zeist = municipality_organisation("0355")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    activate_all(water)
    amersfoort = municipality_organisation("0307")
    from lcv.agreements.generation import generate_agreements

    generate_agreements()  # Amersfoort's agreement: a draft
    postcode("3511AB", "0344")
    postcode("3701AA", "0355")
    postcode("3811AA", "0307")
    postcode("1011AA", "0363")
    return {
        "utrecht": utrecht,
        "zeist": zeist,
        "amersfoort": amersfoort,
        "water": water,
        "deliverer": member(water, "deliverer", email="aanlever@water.nl"),
    }
