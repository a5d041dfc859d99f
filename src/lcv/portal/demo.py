"""Demo data for `make run`: a helpdesk, five municipalities (Dordrecht in a joint arrangement,
Utrecht with an executor), twelve signal partners across the four sectors, a synthetic postcode
table, the generated agreements (three of Utrecht's active, a few released for signing, the rest
drafts) and a processed delivery of signals from Utrecht's drinking-water company. Fictional names.

Everything after the people goes through the platform's own services (generation, release,
signing, intake, processing), as a visitor would; loading again changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.demo import DEMO_TOTP_KEY_HEX
from lcv.accounts.models import User
from lcv.organisations.models import (
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    Sector,
    SignalSystem,
    role_field,
)
from lcv.portal.demo_cases import load_demo_cases

if TYPE_CHECKING:
    from lcv.signals.models import Delivery

DEMO_PASSWORD = "demo-LCV-2026"
DOMAIN = "demo.lcv-portaal.nl"

K = OrganisationKind


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    kind: OrganisationKind
    name: str
    kvk: str = ""
    cbs: str | None = None
    system: str = ""
    sector: str = ""
    national: bool = False
    municipalities: tuple[str, ...] = ()
    people: tuple[tuple[str, tuple[Role, ...]], ...] = field(default=())


MUNICIPAL = (("contact", (Role.CONTACT,)), ("tekenbevoegde", (Role.SIGNATORY,)), ("behandelaar", (Role.HANDLER,)))
PARTNER = (("contact", (Role.CONTACT,)), ("tekenbevoegde", (Role.SIGNATORY,)), ("aanlevering", (Role.DELIVERER,)))

ORGANISATIONS: tuple[DemoOrg, ...] = (
    DemoOrg("helpdesk", K.PLATFORM, "LCV-portaal beheer", people=(("helpdesk", (Role.HELPDESK,)),)),
    DemoOrg(
        "amsterdam", K.MUNICIPALITY, "Gemeente Amsterdam", cbs="0363", system=SignalSystem.PLATFORM, people=MUNICIPAL
    ),
    DemoOrg("rotterdam", K.MUNICIPALITY, "Gemeente Rotterdam", cbs="0599", system=SignalSystem.VPS, people=MUNICIPAL),
    DemoOrg("utrecht", K.MUNICIPALITY, "Gemeente Utrecht", cbs="0344", system=SignalSystem.PLATFORM, people=MUNICIPAL),
    DemoOrg("groningen", K.MUNICIPALITY, "Gemeente Groningen", cbs="0014", system=SignalSystem.RIS, people=MUNICIPAL),
    DemoOrg(
        "dordrecht",
        K.MUNICIPALITY,
        "Gemeente Dordrecht",
        cbs="0505",
        system=SignalSystem.PLATFORM,
        people=(("contact", (Role.CONTACT,)),),
    ),
    DemoOrg(
        "drechtsteden",
        K.JOINT_ARRANGEMENT,
        "Sociale Dienst Drechtsteden (demo)",
        kvk="90000001",
        system=SignalSystem.PLATFORM,
        municipalities=("0505", "0642", "0590", "0531"),
        people=MUNICIPAL,
    ),
    DemoOrg(
        "buurtteams",
        K.EXECUTOR,
        "Buurtteams Utrecht (demo)",
        kvk="90000002",
        municipalities=("0344",),
        people=(("contact", (Role.CONTACT,)), ("behandelaar", (Role.HANDLER,))),
    ),
    DemoOrg(
        "maasoever",
        K.SIGNAL_PARTNER,
        "Woonstichting Maasoever",
        kvk="90000011",
        sector=Sector.HOUSING,
        municipalities=("0599", "0505"),
        people=PARTNER,
    ),
    DemoOrg(
        "amstelwonen",
        K.SIGNAL_PARTNER,
        "Amstel Wonen",
        kvk="90000012",
        sector=Sector.HOUSING,
        municipalities=("0363",),
        people=PARTNER,
    ),
    DemoOrg(
        "domstadhuur",
        K.SIGNAL_PARTNER,
        "Domstad Huur",
        kvk="90000013",
        sector=Sector.HOUSING,
        municipalities=("0344",),
        people=PARTNER,
    ),
    DemoOrg(
        "ommelanden",
        K.SIGNAL_PARTNER,
        "Ommelanden Wonen",
        kvk="90000014",
        sector=Sector.HOUSING,
        municipalities=("0014",),
        people=PARTNER,
    ),
    DemoOrg(
        "waterwest",
        K.SIGNAL_PARTNER,
        "Waterbedrijf West",
        kvk="90000021",
        sector=Sector.WATER,
        municipalities=("0363", "0599", "0505"),
        people=PARTNER,
    ),
    DemoOrg(
        "waternoord",
        K.SIGNAL_PARTNER,
        "Drinkwater Noord",
        kvk="90000022",
        sector=Sector.WATER,
        municipalities=("0014",),
        people=PARTNER,
    ),
    DemoOrg(
        "watermidden",
        K.SIGNAL_PARTNER,
        "Water Midden",
        kvk="90000023",
        sector=Sector.WATER,
        municipalities=("0344",),
        people=PARTNER,
    ),
    DemoOrg(
        "stroomlijn",
        K.SIGNAL_PARTNER,
        "Stroomlijn Energie",
        kvk="90000031",
        sector=Sector.ENERGY,
        national=True,
        people=PARTNER,
    ),
    DemoOrg(
        "polderenergie",
        K.SIGNAL_PARTNER,
        "Polder Energie",
        kvk="90000032",
        sector=Sector.ENERGY,
        national=True,
        people=PARTNER,
    ),
    DemoOrg(
        "warmtenet",
        K.SIGNAL_PARTNER,
        "Stadswarmte Midden",
        kvk="90000033",
        sector=Sector.ENERGY,
        municipalities=("0344",),
        people=PARTNER,
    ),
    DemoOrg(
        "zorgsamen",
        K.SIGNAL_PARTNER,
        "Zorgverzekeraar Samen",
        kvk="90000041",
        sector=Sector.HEALTH_INSURANCE,
        national=True,
        people=PARTNER,
    ),
    DemoOrg(
        "gezondnl",
        K.SIGNAL_PARTNER,
        "Gezond Verzekerd NL",
        kvk="90000042",
        sector=Sector.HEALTH_INSURANCE,
        national=True,
        people=PARTNER,
    ),
)


def _organisation(spec: DemoOrg) -> Organisation:
    existing = Organisation.objects.filter(kind=spec.kind, name=spec.name).first()
    if existing:
        return existing
    organisation = Organisation.objects.create(
        kind=spec.kind,
        name=spec.name,
        kvk_number=spec.kvk,
        municipality=Municipality.objects.get(cbs_code=spec.cbs) if spec.cbs else None,
        signal_system=spec.system,
        sector=spec.sector,
        national_coverage=spec.national,
    )
    organisation.municipalities.set(Municipality.objects.filter(cbs_code__in=spec.municipalities))
    return organisation


@cache
def _demo_password_hash() -> str:
    """The demo password hashed once for all demo people: hashing it per person (Argon2) made the
    first `lcv demo` take some fifteen seconds. The password is public, so a shared salt hides
    nothing."""
    return make_password(DEMO_PASSWORD)


def _person(organisation: Organisation, email: str, label: str, roles: tuple[Role, ...]) -> bool:
    if User.objects.filter(email=email).exists():
        return False
    user = User.objects.create(
        email=email,
        password=_demo_password_hash(),
        full_name=f"{label.capitalize()} {organisation.name}",
        job_title=label,
        phone="030 000 00 00",
        consents_to_share_contact_details=Role.CONTACT in roles,
    )
    Membership.objects.create(user=user, organisation=organisation, **{role_field(r): True for r in roles})
    TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY_HEX, confirmed=True)  # every account
    return True


@dataclass(frozen=True)
class DemoRegistration:
    person: str
    kind: OrganisationKind
    name: str
    kvk: str = ""
    cbs: str | None = None
    system: str = ""
    sector: str = ""
    codes: tuple[str, ...] = ()


DEMO_REGISTRATIONS = (
    DemoRegistration(
        "zonnestroom",
        K.SIGNAL_PARTNER,
        "Zonnestroom Coöperatie",
        kvk="90000034",
        sector=Sector.ENERGY,
        codes=("0344", "0363"),
    ),
    DemoRegistration("zwijndrecht", K.MUNICIPALITY, "Gemeente Zwijndrecht", cbs="0642", system=SignalSystem.PLATFORM),
    # Groningen is already on the platform: the helpdesk sees this one as a duplicate
    DemoRegistration("groningen2", K.MUNICIPALITY, "Gemeente Groningen", cbs="0014", system=SignalSystem.RIS),
)


def _registrations() -> None:
    """A few registrations waiting for the helpdesk, so the queue has work in the demo."""
    from lcv.registrations.models import Registration
    from lcv.registrations.services import find_existing_organisation

    for spec in DEMO_REGISTRATIONS:
        if Registration.objects.filter(name=spec.name).exists():
            continue
        municipality = Municipality.objects.get(cbs_code=spec.cbs) if spec.cbs else None
        registration = Registration.objects.create(
            kind=spec.kind,
            name=spec.name,
            kvk_number=spec.kvk,
            municipality=municipality,
            signal_system=spec.system,
            sector=spec.sector,
            contact_name=f"Contact {spec.name}",
            contact_email=f"contact.{spec.person}@{DOMAIN}",
            contact_phone="030 000 00 00",
            contact_job_title="Coördinator vroegsignalering",
            contact_consents=True,
            signatory_name=f"Tekenbevoegde {spec.name}",
            signatory_email=f"tekenbevoegde.{spec.person}@{DOMAIN}",
            signatory_job_title="Directeur",
            duplicate_of=find_existing_organisation(kind=spec.kind, kvk_number=spec.kvk, municipality=municipality),
        )
        registration.municipalities.set(Municipality.objects.filter(cbs_code__in=spec.codes))


# A synthetic postcode table (R13), so that demo signals route: plausible-looking postcodes, not
# CBS's real table (docs/postcodes.md). Each municipality of the demo, and a few that are not on the
# platform, gets ten postcodes: its area and the next, with the letters below. 3511AB, the
# template's example address, lies in Utrecht.
DEMO_POSTCODE_AREAS = {
    "0363": 1011,  # Amsterdam
    "0599": 3011,  # Rotterdam
    "0344": 3511,  # Utrecht
    "0014": 9711,  # Groningen
    "0505": 3311,  # Dordrecht
    "0642": 3331,  # Zwijndrecht
    "0590": 3351,  # Papendrecht
    "0531": 3341,  # Hendrik-Ido-Ambacht
    "0355": 3701,  # Zeist: not on the platform in the demo
    "0307": 3811,  # Amersfoort: idem
    "0392": 2011,  # Haarlem: idem
}
DEMO_POSTCODE_LETTERS = ("AA", "AB", "AC", "BA", "BB")
# one postcode split over two municipalities, by house number
DEMO_SPLIT_POSTCODES = {"3584ZZ": (("0344", 1, 49), ("0355", 51, 99))}


def _demo_postcode_area(cbs_code: str) -> int:
    """The area of a demo municipality; one added later without an entry gets one derived from its
    CBS code."""
    return DEMO_POSTCODE_AREAS.get(cbs_code, 1000 + int(cbs_code) * 37 % 8900)


def demo_postcodes() -> dict[str, tuple[tuple[str, int | None, int | None], ...]]:
    """postcode -> its (CBS code, house_from, house_to) rows; whole postcodes have no numbers."""
    codes = set(DEMO_POSTCODE_AREAS)
    for spec in ORGANISATIONS:
        codes.update(spec.municipalities, [spec.cbs] if spec.cbs else [])
    for registration in DEMO_REGISTRATIONS:
        codes.update(registration.codes, [registration.cbs] if registration.cbs else [])
    table: dict[str, tuple[tuple[str, int | None, int | None], ...]] = {}
    for code in sorted(codes):
        area = _demo_postcode_area(code)
        for digits in (area, area + 1):
            for letters in DEMO_POSTCODE_LETTERS:
                table.setdefault(f"{digits}{letters}", ((code, None, None),))
    table.update(DEMO_SPLIT_POSTCODES)
    return table


def _postcodes() -> None:
    """Add the demo postcodes that are missing; a postcode already in the table (say, from an
    import of CBS's file) is left as it is."""
    from lcv.signals.models import PostcodeRange

    table = demo_postcodes()
    present = set(PostcodeRange.objects.filter(postcode__in=table).values_list("postcode", flat=True))
    municipality_ids = dict(Municipality.objects.values_list("cbs_code", "id"))
    PostcodeRange.objects.bulk_create(
        PostcodeRange(postcode=postcode, house_from=low, house_to=high, municipality_id=municipality_ids[code])
        for postcode, rows in table.items()
        if postcode not in present
        for code, low, high in rows
    )


# How far the demo takes some of the generated agreements, through the real services: released by
# the municipality's contact (R3), then signed by the partner's signatory (partially signed) or by
# both (active, R5). Signing queues the seal (R6) for the worker; the demo does not wait for it.
RELEASED, PARTNER_SIGNED, ACTIVE = "released", "partner signed", "active"
DEMO_AGREEMENTS: tuple[tuple[str, str, str], ...] = (
    ("utrecht", "watermidden", ACTIVE),
    ("utrecht", "stroomlijn", ACTIVE),
    ("utrecht", "domstadhuur", ACTIVE),
    ("utrecht", "polderenergie", RELEASED),
    ("amsterdam", "amstelwonen", RELEASED),
    ("amsterdam", "zorgsamen", RELEASED),
    ("amsterdam", "waterwest", PARTNER_SIGNED),
)


def _member(organisation: Organisation, role: Role) -> User | None:
    """The organisation's person with this role (the demo's, or whoever replaced them)."""
    membership = (
        Membership.objects.filter(organisation=organisation, **{role_field(role): True})
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _sign(organisation: Organisation, agreement_ids: list[int]) -> None:
    """The organisation's signatory signs those of the agreements still waiting for it."""
    from lcv.agreements.models import Agreement, AgreementStatus
    from lcv.agreements.signing import sign_agreements

    waiting = list(
        Agreement.objects.filter(
            pk__in=agreement_ids, status__in=[AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED]
        )
        .exclude(signatures__organisation=organisation)
        .values_list("id", flat=True)
    )
    signatory = _member(organisation, Role.SIGNATORY)
    if waiting and signatory is not None:
        sign_agreements(
            agreement_ids=waiting,
            organisation=organisation,
            signer=signatory,
            declared_authorised=True,
            ip_address="127.0.0.1",
            user_agent="LCV-demo",
        )


def _agreements(organisations: dict[str, Organisation]) -> None:
    """Generate the agreements and take the pairs of DEMO_AGREEMENTS as far as they should go. A
    step already taken is not taken again, so loading again does nothing."""
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import OPEN_STATUSES, Agreement, AgreementStatus
    from lcv.agreements.services import release_agreements

    generate_agreements()
    plan: list[tuple[Agreement, Organisation, str]] = []
    for municipality_slug, partner_slug, how_far in DEMO_AGREEMENTS:
        partner = organisations[partner_slug]
        agreement = Agreement.objects.filter(
            municipal_party=organisations[municipality_slug], partner=partner, status__in=OPEN_STATUSES
        ).first()
        if agreement is not None:
            plan.append((agreement, partner, how_far))
    parties = [organisations[slug] for slug in dict.fromkeys(slug for slug, _, _ in DEMO_AGREEMENTS)]
    for party in parties:
        drafts = [a.pk for a, _, _ in plan if a.municipal_party_id == party.pk and a.status == AgreementStatus.DRAFT]
        contact = _member(party, Role.CONTACT)
        if drafts and contact is not None:
            release_agreements(agreement_ids=drafts, municipal_party=party, actor=contact)
    # the partners sign first: a pair that goes no further is left partially signed
    for agreement, signing_partner, how_far in plan:
        if how_far in (PARTNER_SIGNED, ACTIVE):
            _sign(signing_partner, [agreement.pk])
    for party in parties:
        _sign(party, [a.pk for a, _, how_far in plan if how_far == ACTIVE and a.municipal_party_id == party.pk])


# A small delivery of Utrecht's drinking-water company, so the delivery page, the signal lists and
# the handler's work have content: fictional people at the synthetic Utrecht postcodes above, nine
# rows admitted and three refused (an address in Zeist, where the company has no agreement; an
# amount that is not one; collection not done responsibly first). Fixed dates, so the file is the
# same every time and intake recognises it when the demo is loaded again.
DEMO_DELIVERY_PARTNER = "watermidden"
DEMO_DELIVERY_FILE = "demo-signalen.csv"


# (customer number, name, address, street, amount, arrears since, other columns)
DEMO_SIGNALS: tuple[tuple[str, str, str, str, str, str, dict[str, str]], ...] = (
    ("WM-20001", "S. Bakker", "3511AB 12 B", "Oudegracht", "245,50", "01-10-2025", {"geboortedatum": "14-03-1981"}),
    ("WM-20002", "M. de Groot", "3511AA 3", "Lijnmarkt", "118,20", "15-09-2025", {"telefoon": "0612345678"}),
    ("WM-20003", "H.J. Visser", "3511AC 40 A", "Vismarkt", "87,75", "01-11-2025", {}),
    ("WM-20004", "R. van Dijk", "3511BA 7", "Drift", "312,00", "01-06-2025", {"type": "afsluiting", "crisis": "ja"}),
    ("WM-20005", "A. Meijer", "3511BB 21", "Choorstraat", "64,10", "01-10-2025", {"geboortedatum": "30-01-1964"}),
    ("WM-20006", "F. Smit", "3512AA 5 bis", "Nobelstraat", "199,99", "15-08-2025", {"warme_overdracht": "ja"}),
    ("WM-20007", "L. Mulder", "3512AB 18", "Twijnstraat", "150,00", "01-09-2025", {"email": "l.mulder@voorbeeld.nl"}),
    ("WM-20008", "K. van den Bos", "3512BA 2", "Lange Nieuwstraat", "421,35", "01-05-2025", {"type": "afsluiting"}),
    ("WM-20009", "T. Peters", "3584ZZ 12", "Heidelberglaan", "95,00", "01-10-2025", {}),
    # refused: Zeist is not on the platform, so the company has no agreement there
    ("WM-20010", "E. Hendriks", "3701AB 4", "Slotlaan", "130,00", "01-10-2025", {"woonplaats": "Zeist"}),
    # refused: not an amount
    ("WM-20011", "P. Dekker", "3512BB 9", "Voorstraat", "twaalf euro", "01-10-2025", {}),
    # refused: collection was not first done in a socially responsible way (R11)
    ("WM-20012", "N. de Kok", "3511AB 30", "Oudegracht", "76,40", "01-10-2025", {"mvi_toegepast": "nee"}),
)


def demo_signal_rows() -> list[dict[str, str]]:
    """The rows of the demo delivery: each like the template's example (drinking water,
    vroegsignaal, attestations given, in Utrecht) with its own person and address."""
    from lcv.signals.columns import COLUMNS

    example = {column.name: column.example for column in COLUMNS}
    rows = []
    for customer, name, address, street, amount, since, other in DEMO_SIGNALS:
        initials, *prefix, surname = name.split()
        postcode, number, *addition = address.split()
        rows.append(
            example
            | {"geboortedatum": "", "telefoon": "", "email": "", "woonplaats": "Utrecht"}
            | {
                "klantnummer": customer,
                "voorletters": initials,
                "tussenvoegsel": " ".join(prefix),
                "achternaam": surname,
                "postcode": postcode,
                "huisnummer": number,
                "toevoeging": " ".join(addition),
                "straat": street,
                "bedrag": amount,
                "achterstand_sinds": since,
            }
            | other
        )
    return rows


def demo_delivery_csv() -> bytes:
    """The demo delivery as a partner would upload it: the template's columns, semicolons."""
    from lcv.signals.columns import NAMES

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(NAMES), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(demo_signal_rows())
    return out.getvalue().encode()


def _delivery(partner: Organisation) -> Delivery | None:
    """Receive the demo file as the partner's deliverer (the same file again is recognised) and
    process it now, not in the worker, so the demo shows its result at once."""
    from lcv.signals.intake import receive_file
    from lcv.signals.processing import process_delivery

    deliverer = _member(partner, Role.DELIVERER)
    if deliverer is None:
        return None
    received = receive_file(
        organisation=partner, actor=deliverer, file_name=DEMO_DELIVERY_FILE, content=demo_delivery_csv()
    )
    return process_delivery(received.delivery.pk)  # a processed delivery is returned as it is


@dataclass(frozen=True)
class DemoData:
    logins: list[tuple[str, str, str]]  # (organisation, e-mail, roles) for every demo login
    created: int  # people created now
    agreements: int
    active: int
    delivery: Delivery | None
    cases: int = 0  # Utrecht's cases (lcv.portal.demo_cases)


@transaction.atomic
def load_demo_data() -> DemoData:
    """Create what is missing and take the demo's steps not taken yet."""
    from lcv.agreements.models import Agreement, AgreementStatus

    logins = []
    created = 0
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = organisations[spec.slug] = _organisation(spec)
        for label, roles in spec.people:
            email = f"{label}.{spec.slug}@{DOMAIN}"
            created += _person(organisation, email, label, roles)
            logins.append((organisation.name, email, ", ".join(r.value for r in roles)))
    _registrations()
    _postcodes()
    _agreements(organisations)
    delivery = _delivery(organisations[DEMO_DELIVERY_PARTNER])
    cases = load_demo_cases(organisations, _member)
    return DemoData(
        logins=logins,
        created=created,
        agreements=Agreement.objects.count(),
        active=Agreement.objects.filter(status=AgreementStatus.ACTIVE).count(),
        delivery=delivery,
        cases=cases,
    )
