import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lcv.organisations.models import Membership, Municipality, Organisation, OrganisationKind, Sector
from lcv.organisations.reference import load_municipalities
from lcv.organisations.services import create_organisation, replace_signatory
from lcv.organisations.validators import validate_kvk
from lcv.testing.factories import make_organisation, make_user, member, municipality_organisation

pytestmark = pytest.mark.django_db


def test_the_342_municipalities_of_2025_are_loaded():
    assert Municipality.objects.count() == 342
    assert Municipality.objects.get(cbs_code="0363").name == "Amsterdam"
    assert load_municipalities() == 0  # idempotent


def test_a_second_signatory_is_refused_by_the_database():
    organisation = make_organisation()
    member(organisation, "signatory")
    second = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=second, organisation=organisation, is_signatory=True)
    # also through a bulk update that bypasses the model layer
    other = member(organisation, "contact")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=other).update(is_signatory=True)
    assert Membership.objects.filter(organisation=organisation, is_signatory=True).count() == 1


def test_signatories_of_different_organisations_do_not_collide():
    member(make_organisation(), "signatory")
    member(make_organisation(), "signatory")
    assert Membership.objects.filter(is_signatory=True).count() == 2


def test_a_person_acts_for_one_organisation_only():
    user = member(make_organisation(), "contact")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=make_organisation(), is_contact=True)


def test_replace_signatory_moves_the_role():
    organisation = make_organisation()
    old = member(organisation, "signatory", "contact")
    new = member(organisation, "contact")
    replace_signatory(organisation=organisation, new_signatory=new.membership)
    old.membership.refresh_from_db()
    new.membership.refresh_from_db()
    assert not old.membership.is_signatory
    assert new.membership.is_signatory


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "00000000", ""])
def test_invalid_kvk_numbers_are_refused_in_dutch(value):
    with pytest.raises(ValidationError) as error:
        validate_kvk(value)
    assert "8 cijfers" in str(error.value)


def test_valid_kvk_number():
    validate_kvk("12345678")
    validate_kvk("1234 5678")


def test_create_signal_partner_with_regional_coverage():
    partner = create_organisation(
        kind=OrganisationKind.SIGNAL_PARTNER,
        name="Woonstichting Test",
        kvk_number="12345678",
        sector=Sector.HOUSING,
        municipality_codes=["0363", "0599"],
    )
    assert sorted(partner.municipalities.values_list("cbs_code", flat=True)) == ["0363", "0599"]


def test_create_organisation_with_unknown_municipality_creates_nothing():
    with pytest.raises(Municipality.DoesNotExist):
        create_organisation(
            kind=OrganisationKind.SIGNAL_PARTNER,
            name="Woonstichting Test",
            kvk_number="12345678",
            sector=Sector.HOUSING,
            municipality_codes=["0363", "9999"],
        )
    assert not Organisation.objects.filter(name="Woonstichting Test").exists()


def test_signal_partner_needs_a_sector_and_bad_kvk_is_refused():
    with pytest.raises(ValidationError) as error:
        create_organisation(kind=OrganisationKind.SIGNAL_PARTNER, name="X", kvk_number="12")
    assert "kvk_number" in error.value.message_dict
    assert Organisation.objects.count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind=OrganisationKind.SIGNAL_PARTNER, name="Zonder sector")


def test_municipality_organisation_requires_its_cbs_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind=OrganisationKind.MUNICIPALITY, name="Gemeente zonder code")
    organisation = municipality_organisation("0344")
    assert organisation.municipality is not None
    assert organisation.municipality.cbs_code == "0344"
