"""R7 / FAQ 14: the contact directory lists the organisations with whom an agreement exists, and
shows a counterpart's contact details only with consent.

The directory is the one place where people are shown to counterparts; the notices about a new
partner name organisations only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lcv.agreements.generation import generate_agreements
from lcv.agreements.selectors import counterparts_of
from lcv.notifications.services import notify_new_partner
from lcv.organisations.models import Municipality, OrganisationKind, Sector
from lcv.organisations.selectors import counterparts_with_contacts
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


def partner(name, *, national=False, codes=(), sector=Sector.WATER):
    organisation = make_organisation(name=name, sector=sector, national_coverage=national)
    organisation.municipalities.set(Municipality.objects.filter(cbs_code__in=codes))
    return organisation


@pytest.fixture
def world():
    amsterdam = municipality_organisation("0363")
    utrecht = municipality_organisation("0344")
    consenting = partner("Waterbedrijf Ja", codes=["0363"])
    refusing = partner("Waterbedrijf Nee", codes=["0363"])
    national = partner("Energie Landelijk", national=True, sector=Sector.ENERGY)
    elsewhere = partner("Wonen Utrecht", codes=["0344"], sector=Sector.HOUSING)
    member(
        consenting,
        "contact",
        full_name="Jet Jansen",
        email="jet@ja.nl",
        phone="0201111111",
        consents_to_share_contact_details=True,
    )
    member(
        refusing,
        "contact",
        full_name="Nina Nee",
        email="nina@nee.nl",
        phone="0202222222",
        consents_to_share_contact_details=False,
    )
    member(
        national, "contact", full_name="Lex Landelijk", email="lex@energie.nl", consents_to_share_contact_details=True
    )
    member(elsewhere, "contact", full_name="Udo Utrecht", email="udo@wonen.nl", consents_to_share_contact_details=True)
    generate_agreements()
    return {
        "amsterdam": amsterdam,
        "utrecht": utrecht,
        "consenting": consenting,
        "refusing": refusing,
        "national": national,
        "elsewhere": elsewhere,
    }


def directory_page(client, organisation, *, consents=False):
    viewer = member(organisation, "contact", consents_to_share_contact_details=consents)
    login_verified(client, viewer)
    response = client.get(reverse("agreements:directory"))
    assert response.status_code == 200
    return response.content.decode()


def test_municipality_sees_partners_covering_it_with_consented_details_only(client, world):
    page = directory_page(client, world["amsterdam"])
    assert "Waterbedrijf Ja" in page
    assert "Jet Jansen" in page
    assert "jet@ja.nl" in page
    assert "Waterbedrijf Nee" in page  # listed, without its contact person
    assert "Nina Nee" not in page
    assert "nina@nee.nl" not in page
    assert "0202222222" not in page
    assert "Geen contactgegevens gedeeld" in page
    assert "Energie Landelijk" in page
    assert "Wonen Utrecht" not in page  # does not cover Amsterdam


def test_partner_sees_the_municipalities_it_covers_with_consented_details_only(client, world):
    member(
        world["amsterdam"],
        "contact",
        full_name="Ada Amsterdam",
        email="ada@amsterdam.nl",
        consents_to_share_contact_details=False,
    )
    member(
        world["utrecht"],
        "contact",
        full_name="Ulla Utrecht",
        email="ulla@utrecht.nl",
        consents_to_share_contact_details=True,
    )
    page = directory_page(client, world["consenting"])
    assert "Gemeente Amsterdam" in page
    assert "Ada Amsterdam" not in page
    assert "ada@amsterdam.nl" not in page
    assert "Gemeente Utrecht" not in page
    national_page = directory_page(client, world["national"])
    assert "Gemeente Utrecht" in national_page
    assert "Ulla Utrecht" in national_page


def test_joint_arrangement_pairs_through_its_members(world):
    arrangement = make_organisation(kind=OrganisationKind.JOINT_ARRANGEMENT, sector="", national_coverage=False)
    arrangement.municipalities.set(Municipality.objects.filter(cbs_code__in=["0363", "0599"]))
    generate_agreements()
    names = set(counterparts_of(arrangement).values_list("name", flat=True))
    assert names == {"Waterbedrijf Ja", "Waterbedrijf Nee", "Energie Landelijk"}
    assert arrangement in counterparts_of(world["consenting"])


def test_directory_search(client, world):
    viewer = member(world["amsterdam"], "contact")
    login_verified(client, viewer)
    content = client.get(reverse("agreements:directory"), {"zoek": "water"}).content.decode()
    assert "Waterbedrijf Ja" in content
    assert "Energie Landelijk" not in content


def test_directory_is_for_contact_persons(client, world):
    login_verified(client, member(world["amsterdam"], "handler", "signatory", "analyst"))
    assert client.get(reverse("agreements:directory")).status_code == 403


def test_new_partner_notice_names_no_people(world):
    notify_new_partner(partner=world["refusing"], recipients=counterparts_with_contacts(world["refusing"]))
    from lcv.notifications.models import Notice

    text = Notice.objects.get(subject=world["refusing"]).text
    assert "Waterbedrijf Nee" in text
    assert "Nina" not in text
    assert "nina@nee.nl" not in text


def test_directory_lists_only_organisations_with_an_agreement(client, world):
    from lcv.agreements.models import Agreement, AgreementStatus

    Agreement.objects.filter(municipal_party=world["amsterdam"], partner=world["refusing"]).update(
        status=AgreementStatus.WITHDRAWN
    )
    page = directory_page(client, world["amsterdam"])
    assert "Waterbedrijf Ja" in page
    assert "Waterbedrijf Nee" not in page
