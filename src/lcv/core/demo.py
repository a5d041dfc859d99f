"""Demo data for `make run`: a helpdesk, five municipalities (Dordrecht in a joint arrangement,
Utrecht with an executor), twelve signal partners across the four sectors and a synthetic postcode
table. Fictional names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.demo import DEMO_TOTP_KEY_HEX
from lcv.accounts.models import User
from lcv.organisations.models import (
    ROLES_WITH_PERSONAL_DATA,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    Sector,
    SignalSystem,
    role_field,
)

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
    DemoOrg("amsterdam", K.MUNICIPALITY, "Gemeente Amsterdam", cbs="0363", system=SignalSystem.RIS, people=MUNICIPAL),
    DemoOrg("rotterdam", K.MUNICIPALITY, "Gemeente Rotterdam", cbs="0599", system=SignalSystem.VPS, people=MUNICIPAL),
    DemoOrg("utrecht", K.MUNICIPALITY, "Gemeente Utrecht", cbs="0344", system=SignalSystem.VPS, people=MUNICIPAL),
    DemoOrg("groningen", K.MUNICIPALITY, "Gemeente Groningen", cbs="0014", system=SignalSystem.RIS, people=MUNICIPAL),
    DemoOrg(
        "dordrecht",
        K.MUNICIPALITY,
        "Gemeente Dordrecht",
        cbs="0505",
        system=SignalSystem.VPS,
        people=(("contact", (Role.CONTACT,)),),
    ),
    DemoOrg(
        "drechtsteden",
        K.JOINT_ARRANGEMENT,
        "Sociale Dienst Drechtsteden (demo)",
        kvk="90000001",
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


def _person(organisation: Organisation, email: str, label: str, roles: tuple[Role, ...]) -> bool:
    if User.objects.filter(email=email).exists():
        return False
    user = User.objects.create_user(
        email,
        DEMO_PASSWORD,
        full_name=f"{label.capitalize()} {organisation.name}",
        job_title=label,
        phone="030 000 00 00",
        consents_to_share_contact_details=Role.CONTACT in roles,
    )
    Membership.objects.create(user=user, organisation=organisation, **{role_field(r): True for r in roles})
    if set(roles) & ROLES_WITH_PERSONAL_DATA:
        TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY_HEX, confirmed=True)
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
    DemoRegistration("zwijndrecht", K.MUNICIPALITY, "Gemeente Zwijndrecht", cbs="0642", system=SignalSystem.VPS),
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


@transaction.atomic
def load_demo_data() -> tuple[list[tuple[str, str, str]], int]:
    """Create what is missing; return (organisation, e-mail, roles) for every demo login and the
    number of people created now."""
    logins = []
    created = 0
    for spec in ORGANISATIONS:
        organisation = _organisation(spec)
        for label, roles in spec.people:
            email = f"{label}.{spec.slug}@{DOMAIN}"
            created += _person(organisation, email, label, roles)
            logins.append((organisation.name, email, ", ".join(r.value for r in roles)))
    _registrations()
    _postcodes()
    return logins, created
