"""R2: generate one draft agreement for every relevant pair municipality x signal partner.

A national partner pairs with every municipality, a regional one with the municipalities it lists.
A joint arrangement signs for its members, so a member municipality pairs through its arrangement.
Pairs that keep a local covenant get none, and a pair never has two open agreements (the partial
unique index `one_open_agreement_per_pair` guarantees that, also between concurrent runs).
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db import transaction

from lcv.agreements.models import OPEN_STATUSES, Agreement, AgreementHistory, LocalCovenant
from lcv.agreements.reference import current_template
from lcv.audit.services import record
from lcv.organisations.models import Organisation, OrganisationKind

Pair = tuple[int, int]  # (municipal party id, partner id)


def relevant_pairs() -> set[Pair]:
    """Every (municipal party, partner) pair the covenant asks an agreement for, in a few queries."""
    municipal = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("id", "municipality_id")
    arrangements: dict[int, set[int]] = defaultdict(set)
    for arrangement_id, municipality_id in Organisation.municipalities.through.objects.filter(
        organisation__kind=OrganisationKind.JOINT_ARRANGEMENT
    ).values_list("organisation_id", "municipality_id"):
        arrangements[arrangement_id].add(municipality_id)
    in_arrangement = set().union(*arrangements.values()) if arrangements else set()
    # the party that signs for each reference municipality: its arrangement, else the municipality
    parties: dict[int, set[int]] = {org_id: {muni_id} for org_id, muni_id in municipal if muni_id not in in_arrangement}
    parties.update(arrangements)
    partners = Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER)
    national = list(partners.filter(national_coverage=True).values_list("id", flat=True))
    coverage: dict[int, set[int]] = defaultdict(set)
    for partner_id, municipality_id in Organisation.municipalities.through.objects.filter(
        organisation__kind=OrganisationKind.SIGNAL_PARTNER, organisation__national_coverage=False
    ).values_list("organisation_id", "municipality_id"):
        coverage[partner_id].add(municipality_id)
    pairs = {(party, partner) for party in parties for partner in national}
    for partner_id, covered in coverage.items():
        pairs.update((party, partner_id) for party, members in parties.items() if members & covered)
    return pairs


def existing_pairs() -> set[Pair]:
    open_pairs = Agreement.objects.filter(status__in=OPEN_STATUSES).values_list("municipal_party_id", "partner_id")
    covenants = LocalCovenant.objects.values_list("municipal_party_id", "partner_id")
    return set(open_pairs) | set(covenants)


def generate_agreements(*, actor: object = None) -> int:
    """Create the missing draft agreements; returns how many were made. Idempotent."""
    template = current_template()
    missing = relevant_pairs() - existing_pairs()
    if not missing:
        return 0
    party_ids = {party for party, _ in missing}
    details = {
        org.pk: (org.signal_system, org.cosigning_executor_id)
        for org in Organisation.objects.filter(pk__in=party_ids).only("id", "signal_system", "cosigning_executor_id")
    }
    batch = uuid.uuid4()
    with transaction.atomic():
        Agreement.objects.bulk_create(
            [
                Agreement(
                    municipal_party_id=party,
                    partner_id=partner,
                    executor_id=details[party][1],
                    template=template,
                    signal_system=details[party][0],
                    generation_batch=batch,
                )
                for party, partner in sorted(missing)
            ],
            batch_size=2000,
            ignore_conflicts=True,  # a concurrent run may have made some of them: the index decides
        )
        created = list(Agreement.objects.filter(generation_batch=batch).values_list("id", flat=True))
        AgreementHistory.objects.bulk_create(
            [AgreementHistory(agreement_id=pk, event="generate", to_status="draft") for pk in created],
            batch_size=2000,
        )
        record(action="agreements.generated", actor=actor, details={"count": len(created), "batch": str(batch)})
    return len(created)
