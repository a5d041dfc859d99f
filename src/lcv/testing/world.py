"""Two of everything, for the role table and the content-isolation tests: two municipalities
(Utrecht, Zeist), two signal partners (Water Midden, Energie Noord) with active agreements with
both, deliveries of each partner (upload and API) with refused rows, CAK files of both
municipalities, notices, API tokens, and one person per role in every organisation.

Every organisation's data carries its own marker words (customer numbers, the words in refused
rows, notice texts, token names): a page seen by one organisation must show its own markers and
never another organisation's. `module_world` builds it once per test module and rolls it back at
the end; each test runs in its own savepoint inside it, so a test may change what it needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction

from lcv.accounts.models import User
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.cases.grouping import group_deliveries
from lcv.notifications.models import Notice, NoticeKind
from lcv.organisations.models import Organisation, OrganisationKind, Role, Sector
from lcv.signals import intake, tokens
from lcv.signals.models import ApiToken, Delivery, DeliveryStatus
from lcv.signals.processing import process_delivery
from lcv.testing.factories import make_organisation, member, municipality_organisation
from lcv.testing.signals import csv_bytes, postcode, row

# the 22nd: inside the default delivery moments (R14), so the rows are judged on their content
DELIVERY_DAY = datetime(2026, 3, 22, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

# The roles a person of each kind of organisation can hold (DOMAIN.md, "People"): handlers work a
# municipal party's inbox, deliverers deliver a partner's signals, the helpdesk is platform staff.
ROLES_BY_KIND: dict[str, tuple[Role, ...]] = {
    OrganisationKind.MUNICIPALITY: (Role.CONTACT, Role.SIGNATORY, Role.HANDLER, Role.ANALYST),
    OrganisationKind.SIGNAL_PARTNER: (Role.CONTACT, Role.SIGNATORY, Role.DELIVERER, Role.ANALYST),
    OrganisationKind.PLATFORM: tuple(Role),  # every role, so that only the helpdesk role counts
}


@dataclass
class Party:
    organisation: Organisation
    people: dict[Role, User]  # one person per role, each with that role alone
    markers: list[str] = field(default_factory=list)  # words only this organisation may see
    errors: list[str] = field(default_factory=list)  # the words of its refused rows, per delivery
    deliveries: list[Delivery] = field(default_factory=list)
    token: ApiToken | None = None
    plain_token: str = ""

    @property
    def name(self) -> str:
        return self.organisation.name


@dataclass
class World:
    utrecht: Party
    zeist: Party
    water: Party
    energy: Party
    platform: Party

    @property
    def parties(self) -> list[Party]:
        return [self.utrecht, self.zeist, self.water, self.energy]

    def others(self, party: Party) -> list[Party]:
        return [other for other in self.parties if other.organisation.pk != party.organisation.pk]

    def of_kind(self, kind: str) -> Party:
        """The organisation whose people the role table tries, per kind."""
        parties: dict[str, Party] = {
            OrganisationKind.MUNICIPALITY: self.utrecht,
            OrganisationKind.SIGNAL_PARTNER: self.water,
            OrganisationKind.PLATFORM: self.platform,
        }
        return parties[kind]

    def agreement(self, municipality: Party, partner: Party) -> Agreement:
        return Agreement.objects.get(municipal_party=municipality.organisation, partner=partner.organisation)


def _people(organisation: Organisation, slug: str) -> dict[Role, User]:
    people = {}
    for role in ROLES_BY_KIND[organisation.kind]:
        people[role] = member(
            organisation,
            role.value,
            email=f"{role.value}@{slug}.nl",
            full_name=f"{role.label} {organisation.name}",
            consents_to_share_contact_details=True,
        )
    return people


def _deliver_file(party: Party, rows: list[dict[str, str]], *, cak: bool = False) -> Delivery:
    received = intake.receive_file(
        organisation=party.organisation,
        actor=party.people[Role.CONTACT],
        file_name="signalen.csv",
        content=csv_bytes(rows),
        cak=cak,
    )
    delivery = process_delivery(received.delivery.pk)
    party.deliveries.append(delivery)
    return delivery


def _deliver_api(party: Party, reference: str, rows: list[dict[str, str]]) -> Delivery:
    assert party.token is not None
    body = json.dumps({"aanlever_id": reference, "signalen": rows}, ensure_ascii=False).encode()
    received = intake.receive_api(token=party.token, client_reference=reference, body=body)
    delivery = process_delivery(received.delivery.pk)
    party.deliveries.append(delivery)
    return delivery


def build_world() -> World:
    utrecht = Party(municipality_organisation("0344"), {})
    zeist = Party(municipality_organisation("0355"), {})
    water = Party(make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True), {})
    energy = Party(make_organisation(name="Energie Noord", sector=Sector.ENERGY, national_coverage=True), {})
    platform = Party(
        make_organisation(
            name="LCV Beheer", kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False
        ),
        {},
    )
    for party, slug in (
        (utrecht, "utrecht"),
        (zeist, "zeist"),
        (water, "water"),
        (energy, "energie"),
        (platform, "lcv"),
    ):
        party.people = _people(party.organisation, slug)
    generate_agreements()
    Agreement.objects.update(status=AgreementStatus.ACTIVE)
    postcode("3511AB", "0344")  # Utrecht
    postcode("3701AA", "0355")  # Zeist
    for party, name in ((water, "Sleutel-Water-Midden"), (energy, "Sleutel-Energie-Noord")):
        party.token, party.plain_token = tokens.create_token(
            organisation=party.organisation, actor=party.people[Role.CONTACT], name=name
        )
        party.markers.append(name)

    with time_machine.travel(DELIVERY_DAY, tick=False):
        # Water Midden: one signal to Utrecht, one to Zeist, one refused row; and one through the API
        _deliver_file(
            water,
            [
                row(klantnummer="KLANT-WATER-UTRECHT"),
                row(klantnummer="KLANT-WATER-ZEIST", postcode="3701AA"),
                row(klantnummer="KLANT-WATER-FOUT", soort="waterfout"),
            ],
        )
        _deliver_api(water, "water-api-1", [row(klantnummer="KLANT-WATER-API", soort="waterapifout")])
        # Energie Noord: one signal to Zeist, one refused row; and one through the API
        energy_row = {"soort": "elektriciteit"}
        _deliver_file(
            energy,
            [
                row(klantnummer="KLANT-ENERGIE-ZEIST", postcode="3701AA", **energy_row),
                row(klantnummer="KLANT-ENERGIE-FOUT", soort="energiefout"),
            ],
        )
        _deliver_api(energy, "energie-api-1", [row(klantnummer="KLANT-ENERGIE-API", soort="energieapifout")])
        # The municipalities' CAK files (FAQ 29), each with a refused row
        _deliver_file(utrecht, [row(klantnummer="KLANT-CAK-UTRECHT", soort="utrechtcakfout")], cak=True)
        _deliver_file(zeist, [row(klantnummer="KLANT-CAK-ZEIST", soort="zeistcakfout", postcode="3701AA")], cak=True)
        # R18: the admitted signals grouped into cases (Utrecht: one household, Zeist: one)
        group_deliveries(list(Delivery.objects.filter(status=DeliveryStatus.DONE).values_list("pk", flat=True)))
    for party, words in (
        (water, ["waterfout", "waterapifout"]),
        (energy, ["energiefout", "energieapifout"]),
        (utrecht, ["utrechtcakfout"]),
        (zeist, ["zeistcakfout"]),
    ):
        party.errors = words
        party.markers += words
    water.markers += ["water-api-1", "KLANT-WATER-UTRECHT", "KLANT-WATER-ZEIST", "KLANT-WATER-FOUT", "KLANT-WATER-API"]
    energy.markers += ["energie-api-1", "KLANT-ENERGIE-ZEIST", "KLANT-ENERGIE-FOUT", "KLANT-ENERGIE-API"]
    utrecht.markers += ["KLANT-CAK-UTRECHT"]
    zeist.markers += ["KLANT-CAK-ZEIST"]

    for recipient, subject, text in (
        (utrecht, energy, "BERICHT-VOOR-UTRECHT"),
        (zeist, water, "BERICHT-VOOR-ZEIST"),
    ):
        Notice.objects.create(
            recipient=recipient.organisation, kind=NoticeKind.NEW_PARTNER, subject=subject.organisation, text=text
        )
        recipient.markers.append(text)
    return World(utrecht=utrecht, zeist=zeist, water=water, energy=energy, platform=platform)


def module_world(django_db_blocker: object) -> Iterator[World]:
    """Build the world in a transaction that is rolled back when the module's tests are done (use
    from a module-scoped fixture that depends on `django_db_setup`)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield build_world()
        transaction.set_rollback(True)
