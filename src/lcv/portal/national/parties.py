"""Creates the data set's organisations, active agreements and postcode table, idempotently: what
exists already (recognised by its KvK number, pair or postcode) is left as it is."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from lcv.agreements.generation import existing_pairs, relevant_pairs
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.agreements.reference import current_template
from lcv.organisations.models import Municipality, Organisation, OrganisationKind, SignalSystem
from lcv.organisations.reference import load_municipalities
from lcv.portal.national.people import households_postcodes, postcode_of
from lcv.portal.national.plan import Spec, month_starts
from lcv.portal.national.world import (
    JOINT_ARRANGEMENTS,
    KVK_MARK,
    arrangement_kvk,
    municipality_kvk,
    partners,
    world,
)
from lcv.signals.models import PostcodeRange

ZONE = ZoneInfo("Europe/Amsterdam")


def foreign_parties() -> list[str]:
    """Municipal parties and partners in the database that are not the data set's: it needs a
    database of its own (a municipality has one organisation, and their agreements would mix in)."""
    kinds = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT, OrganisationKind.SIGNAL_PARTNER)
    return list(
        Organisation.objects.filter(kind__in=kinds)
        .exclude(kvk_number__startswith=KVK_MARK)
        .order_by("name")
        .values_list("name", flat=True)[:5]
    )


@transaction.atomic
def create_organisations() -> int:
    """The 342 municipalities (all exchanging through LCV-portaal), a few joint arrangements and the
    partners. Returns how many were created."""
    load_municipalities()  # the reference list, should it be missing (it is loaded by a migration)
    present = set(Organisation.objects.filter(kvk_number__startswith=KVK_MARK).values_list("kvk_number", flat=True))
    municipality_id = dict(Municipality.objects.values_list("cbs_code", "id"))
    new = [
        Organisation(
            kind=OrganisationKind.MUNICIPALITY,
            name=f"Gemeente {place.name}",
            kvk_number=municipality_kvk(place.cbs_code),
            municipality_id=municipality_id[place.cbs_code],
            signal_system=SignalSystem.PLATFORM,
        )
        for place in world().places
        if municipality_kvk(place.cbs_code) not in present
    ]
    links: list[tuple[str, tuple[str, ...]]] = []
    for index, (name, members) in enumerate(JOINT_ARRANGEMENTS):
        kvk = arrangement_kvk(index)
        if kvk not in present:
            new.append(
                Organisation(
                    kind=OrganisationKind.JOINT_ARRANGEMENT,
                    name=f"{name} (synthetisch)",
                    kvk_number=kvk,
                    signal_system=SignalSystem.PLATFORM,
                )
            )
            links.append((kvk, members))
    for spec in partners():
        if spec.kvk not in present:
            new.append(
                Organisation(
                    kind=OrganisationKind.SIGNAL_PARTNER,
                    name=spec.name,
                    kvk_number=spec.kvk,
                    sector=spec.sector,
                    national_coverage=spec.national,
                )
            )
            if not spec.national:
                links.append((spec.kvk, spec.cbs_codes))
    Organisation.objects.bulk_create(new, batch_size=1000)
    org_id = dict(Organisation.objects.filter(kvk_number__startswith=KVK_MARK).values_list("kvk_number", "id"))
    Through = Organisation.municipalities.through
    Through.objects.bulk_create(
        [
            Through(organisation_id=org_id[kvk], municipality_id=municipality_id[code])
            for kvk, codes in links
            for code in codes
        ],
        batch_size=5000,
    )
    return len(new)


@transaction.atomic
def create_agreements(spec: Spec) -> int:
    """An active agreement for every pair the covenant asks for (R2's own pairing), naming
    LCV-portaal, active since before the first stored month. No documents or signatures: the
    exchange only needs an active agreement of the right system (R13)."""
    ours = set(Organisation.objects.filter(kvk_number__startswith=KVK_MARK).values_list("id", flat=True))
    system = dict(Organisation.objects.filter(pk__in=ours).values_list("id", "signal_system"))
    missing = sorted(
        (party, partner) for party, partner in relevant_pairs() - existing_pairs() if party in ours and partner in ours
    )
    first = month_starts(spec)[0]
    since = dt.datetime(first.year - 1, first.month, 1, 9, tzinfo=ZONE)
    template = current_template()
    Agreement.objects.bulk_create(
        [
            Agreement(
                municipal_party_id=party,
                partner_id=partner,
                template=template,
                status=AgreementStatus.ACTIVE,
                signal_system=system[party],
                released_at=since,
                activated_at=since,
            )
            for party, partner in missing
        ],
        batch_size=2000,
    )
    return len(missing)


def create_postcodes(households: dict[str, int]) -> int:
    """Every municipality's synthetic postcodes (one row each, the whole postcode), enough for its
    households; a postcode already in the table is left as it is."""
    municipality_id = dict(Municipality.objects.values_list("cbs_code", "id"))
    wanted: dict[str, int] = {}
    for place in world().places:
        for index in range(households_postcodes(households.get(place.cbs_code, 0))):
            wanted[postcode_of(place, index)] = municipality_id[place.cbs_code]
    present = set(PostcodeRange.objects.values_list("postcode", flat=True))
    new = [PostcodeRange(postcode=code, municipality_id=mid) for code, mid in wanted.items() if code not in present]
    PostcodeRange.objects.bulk_create(new, batch_size=5000)
    return len(new)
