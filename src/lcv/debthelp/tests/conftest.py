from __future__ import annotations

import pytest

from lcv.organisations.models import OrganisationKind, Sector
from lcv.testing.factories import make_organisation, member, municipality_organisation


@pytest.fixture
def parties(db):
    """Utrecht and Zeist (municipalities), the Drechtsteden-like arrangement, and a water company,
    each with its people."""
    utrecht = municipality_organisation("0344")
    zeist = municipality_organisation("0355")
    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regeling Schuldhulp", sector="", national_coverage=False
    )
    water = make_organisation(name="Water Midden", sector=Sector.WATER)
    return {
        "utrecht": utrecht,
        "zeist": zeist,
        "arrangement": arrangement,
        "water": water,
        "utrecht_contact": member(utrecht, "contact", full_name="Carla Contact"),
        "utrecht_handler": member(utrecht, "handler", full_name="Henk Behandelaar"),
        "utrecht_signatory": member(utrecht, "signatory"),
        "utrecht_analyst": member(utrecht, "analyst"),
        "zeist_contact": member(zeist, "contact", full_name="Zeger Zeist"),
        "arrangement_handler": member(arrangement, "handler", full_name="Rita Regeling"),
        "water_contact": member(water, "contact", "deliverer"),
    }
