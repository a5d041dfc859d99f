"""R13: delivery address -> municipality (postcode table) -> the party that receives it -> the
active agreement between that party and the partner, which governs the row (its art. 3.1 window,
its delivery moments). A municipality can be a party itself and a member of a joint arrangement at
once: the row goes to the party that holds the active agreement with this partner (the municipality
first), so a joint arrangement that registers later takes over nothing that is already agreed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection

from lcv.agreements.models import Addendum, AddendumStatus, Agreement, AgreementStatus
from lcv.organisations.models import Municipality, Organisation, OrganisationKind
from lcv.signals.models import PostcodeRange


@dataclass(frozen=True)
class Terms:
    """What the governing agreement says about a row."""

    agreement_id: int
    window: dict[str, int | None] | None
    delivery_days: frozenset[int] | None  # an accepted addendum's days (R14), else the default
    signal_system: str  # the exchange the agreement names (art. 3.2); only LCV-portaal admits here
    ends_on: date | None  # art. 9.3: from this day on no signals, also before the nightly job ends it


class Router:
    def __init__(self, partner: Organisation | None) -> None:
        self.municipality_names = dict(Municipality.objects.values_list("id", "name"))
        # municipality -> the parties that may receive for it: the municipality itself first, then
        # the joint arrangements it is a member of (which sign for their members)
        self.parties_of: dict[int, list[int]] = defaultdict(list)
        for org_id, municipality_id in Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, left_at__isnull=True
        ).values_list("id", "municipality_id"):
            self.parties_of[municipality_id].append(org_id)
        for org_id, municipality_id in (
            Organisation.municipalities.through.objects.filter(
                organisation__kind=OrganisationKind.JOINT_ARRANGEMENT, organisation__left_at__isnull=True
            )
            .order_by("organisation_id")
            .values_list("organisation_id", "municipality_id")
        ):
            self.parties_of[municipality_id].append(org_id)
        self.terms: dict[int, Terms] = {}
        if partner is not None:
            self.terms = _active_terms(partner)
        # R13: the party that receives a partner's row for a municipality is the one holding the
        # active agreement with that partner; without one, the municipality's own first party
        self.party_of: dict[int, int] = {
            municipality_id: next((party for party in parties if party in self.terms), parties[0])
            for municipality_id, parties in self.parties_of.items()
        }

    def municipalities(self, addresses: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """(postcode, house number) -> municipality id, in one query for a chunk of rows."""
        wanted = set(addresses)
        ranges: dict[str, list[tuple[int | None, int | None, int]]] = defaultdict(list)
        for postcode, low, high, municipality_id in _ranges_for(sorted({postcode for postcode, _ in wanted})):
            ranges[postcode].append((low, high, municipality_id))
        found: dict[tuple[str, int], int] = {}
        for postcode, number in wanted:
            whole = None
            for low, high, municipality_id in ranges.get(postcode, ()):
                if low is None and high is None:
                    whole = municipality_id
                elif (low or 0) <= number <= (high if high is not None else 10**9):
                    found[(postcode, number)] = municipality_id
                    break
            else:
                if whole is not None:
                    found[(postcode, number)] = whole
        return found


def _active_terms(partner: Organisation) -> dict[int, Terms]:
    agreements = list(
        Agreement.objects.filter(partner=partner, status=AgreementStatus.ACTIVE)
        .select_related("template")
        .only("id", "municipal_party_id", "template__windows", "signal_system", "ends_on")
    )
    days: dict[int, frozenset[int]] = {}
    for agreement_id, text in (
        Addendum.objects.filter(agreement__in=[a.pk for a in agreements], status=AddendumStatus.ACCEPTED)
        .exclude(delivery_days="")
        .order_by("decided_at", "id")
        .values_list("agreement_id", "delivery_days")
    ):
        days[agreement_id] = frozenset(int(day) for day in text.split(","))  # the latest accepted counts
    return {
        a.municipal_party_id: Terms(
            agreement_id=a.pk,
            window=a.template.windows.get(partner.sector),
            delivery_days=days.get(a.pk),
            signal_system=a.signal_system,
            ends_on=a.ends_on,
        )
        for a in agreements
    }


def _ranges_for(postcodes: list[str]) -> list[tuple[str, int | None, int | None, int]]:
    """The table rows of these postcodes. On PostgreSQL one array parameter (`= ANY(%s)`): building
    and parsing thousands of placeholders per chunk cost more than the lookup itself."""
    if not postcodes:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(PostcodeRange._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT postcode, house_from, house_to, municipality_id FROM {table} "  # noqa: S608
                "WHERE postcode = ANY(%s)",
                [postcodes],
            )
            return list(cursor.fetchall())
    return list(
        PostcodeRange.objects.filter(postcode__in=postcodes).values_list(
            "postcode", "house_from", "house_to", "municipality_id"
        )
    )
