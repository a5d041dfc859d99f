from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lcv.cases.models import CaseSettings
from lcv.organisations.models import Sector
from lcv.testing.cases import Chain
from lcv.testing.factories import make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, postcode

ZONE = ZoneInfo("Europe/Amsterdam")
# a delivery day (R14) in a month whose matching moment is Thursday 26 March 2026
ON_A_DELIVERY_DAY = datetime(2026, 3, 22, 10, 0, tzinfo=ZONE)


@pytest.fixture
def delivery_day():
    with time_machine.travel(ON_A_DELIVERY_DAY, tick=True):
        yield ON_A_DELIVERY_DAY


@pytest.fixture
def chain(db, delivery_day) -> Chain:
    """Utrecht receives signals of a water company, an energy supplier, a landlord and its own CAK
    file; Zeist of the water company. 3511AB lies in Utrecht, 3701AA in Zeist."""
    utrecht = municipality_organisation("0344", signal_system="lcv")
    zeist = municipality_organisation("0355", signal_system="lcv")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    energy = make_organisation(name="Stroom BV", sector=Sector.ENERGY, national_coverage=True)
    housing = make_organisation(name="Woonstichting Dom", sector=Sector.HOUSING, national_coverage=True)
    for partner in (water, energy, housing):
        activate_all(partner)
    postcode("3511AB", "0344")
    postcode("3512AA", "0344")
    postcode("3701AA", "0355")
    CaseSettings.objects.create(municipal_party=utrecht, matching=CaseSettings.Matching.DIRECT)
    return Chain(
        utrecht=utrecht,
        zeist=zeist,
        water=water,
        energy=energy,
        housing=housing,
        handler=member(utrecht, "handler", email="behandelaar@utrecht.nl", full_name="Bea Handel"),
    )
