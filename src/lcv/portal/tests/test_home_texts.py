"""Issue 10: the start page says what happens with agreements for this kind of organisation and its
situation, and promises nothing the platform does not do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lcv.organisations.models import Municipality, OrganisationKind
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


def no_agreements_text(client, organisation) -> str:
    login_verified(client, member(organisation, "contact"))
    content = client.get(reverse("portal:home")).content.decode()
    start = content.index('data-testid="no-agreements"')
    text = content[start : content.index("</div>", start)]
    assert "Zodra uw organisatie is goedgekeurd" not in content  # it is: the person is logged in
    assert "werkdag" not in content
    return " ".join(text.split())


def test_a_member_of_a_joint_arrangement_is_told_the_arrangement_signs_for_it(client):
    zeist = municipality_organisation("0355")
    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Utrecht", sector="", national_coverage=False
    )
    arrangement.municipalities.set(Municipality.objects.filter(cbs_code__in=["0344", "0355"]))
    text = no_agreements_text(client, zeist)
    assert "geen eigen overeenkomsten" in text
    assert "via de gemeenschappelijke regeling Regio Utrecht" in text
    assert "ondertekent ze ook voor uw gemeente" in text
    assert "Het platform maakt een overeenkomst aan" not in text


def test_a_municipality_on_its_own_is_told_it_releases_its_agreements(client):
    text = no_agreements_text(client, municipality_organisation("0344"))
    assert "Het platform maakt een overeenkomst aan met iedere signaalpartner" in text
    assert "geeft u de overeenkomst vrij" in text
    assert "gemeenschappelijke regeling" not in text


def test_an_executor_is_told_it_co_signs_only_where_it_was_named(client):
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, name="Buurtteams", sector="", national_coverage=False)
    text = no_agreements_text(client, executor)
    assert "Een uitvoerder heeft geen eigen overeenkomsten" in text
    assert "als mede-ondertekenaar heeft genoemd" in text
    assert "nog geen gemeente of regeling dat gedaan" in text
    municipality_organisation("0344", cosigning_executor=executor)
    text = no_agreements_text(client, executor)
    assert "Dat hebben gedaan: Gemeente Utrecht." in text


def test_a_signal_partner_is_told_the_municipality_releases_first(client):
    text = no_agreements_text(client, make_organisation(name="Water Midden", sector="water"))
    assert "iedere gemeente en gemeenschappelijke regeling in uw werkgebied" in text
    assert "De gemeente of regeling geeft die vrij" in text
