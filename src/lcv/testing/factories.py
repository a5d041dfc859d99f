"""factory_boy factories for tests (and only tests)."""

from __future__ import annotations

from typing import Any, cast

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.models import User
from lcv.organisations.models import (
    MUNICIPAL_KINDS,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Sector,
    SignalSystem,
)
from lcv.organisations.reference import load_municipalities

TEST_PASSWORD = "juist-paard-batterij-nietje"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@voorbeeld.nl")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = OrganisationKind.SIGNAL_PARTNER
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    sector = Sector.ENERGY
    national_coverage = True
    # a municipal party receives its signals here unless a test says otherwise (R13)
    signal_system = factory.LazyAttribute(lambda o: SignalSystem.PLATFORM if o.kind in MUNICIPAL_KINDS else "")


def municipality_organisation(cbs_code: str, **kwargs: Any) -> Organisation:
    load_municipalities()  # a transactional test before this one may have flushed the reference data
    municipality = Municipality.objects.get(cbs_code=cbs_code)
    defaults: dict[str, Any] = {
        "kind": OrganisationKind.MUNICIPALITY,
        "name": f"Gemeente {municipality.name}",
        "kvk_number": "",
        "municipality": municipality,
        "signal_system": SignalSystem.PLATFORM,
        "sector": "",
        "national_coverage": False,
    }
    return make_organisation(**{**defaults, **kwargs})


def member(organisation: Organisation, *roles: str, **user_kwargs: Any) -> User:
    user = make_user(**user_kwargs)
    Membership.objects.create(user=user, organisation=organisation, **{f"is_{role}": True for role in roles})
    return user


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def make_organisation(**kwargs: Any) -> Organisation:
    """A typed front for OrganisationFactory (factory_boy's call is untyped)."""
    return cast(Organisation, OrganisationFactory(**kwargs))


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))
