"""Helpers for the tests of the municipal contact's pages (not a test module)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from lcv.accounts.models import User
from lcv.cases import triage
from lcv.cases.models import Case
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.testing.auth import login_verified
from lcv.testing.cases import Chain
from lcv.testing.factories import make_organisation, member


def client_for(user: Any) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def contact_of(organisation: Organisation, email: str | None = None) -> Any:
    """The organisation's contact (the same person on every call with the same address)."""
    email = email or f"contact{organisation.pk}@voorbeeld.nl"
    return User.objects.filter(email=email).first() or member(organisation, "contact", email=email)


def executor(name: str = "Welzijn Plus") -> Organisation:
    return make_organisation(kind=OrganisationKind.EXECUTOR, name=name, sector="", national_coverage=False)


def three_cases(chain: Chain) -> list[Case]:
    """Three Utrecht households: one signal of water; water and energy (meervoudig) with a higher
    amount; and one with a crisis signal."""
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, huisnummer="1", klantnummer="W-1"),
            chain.signal(chain.water, huisnummer="2", klantnummer="W-2", bedrag="1.800,00"),
            chain.signal(chain.water, huisnummer="3", klantnummer="W-3", crisis="ja"),
        ],
    )
    chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="2", klantnummer="E-2", bedrag="900,00")])
    # the trays as grouping leaves them (the default trays, sorted by their rules)
    triage.sort_into_trays(Case.objects.all())
    return list(Case.objects.filter(municipal_party=chain.utrecht).order_by("house_number"))
