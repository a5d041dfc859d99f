"""R2: generate one draft agreement for every relevant pair municipality x signal partner.

A national partner pairs with every municipality, a regional one with the municipalities it lists.
A joint arrangement signs for its members, so a member municipality pairs through its arrangement.
Pairs that keep a local covenant get none, and a pair never has two open agreements (the partial
unique index `one_open_agreement_per_pair` guarantees that, also between concurrent runs).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from lcv.agreements.models import (
    OPEN_STATUSES,
    Agreement,
    AgreementHistory,
    AgreementStatus,
    LocalCovenant,
    LocalCovenantStatus,
)
from lcv.agreements.reference import current_template
from lcv.audit.services import record
from lcv.organisations.models import Organisation, OrganisationKind

Pair = tuple[int, int]  # (municipal party id, partner id)


def relevant_pairs() -> set[Pair]:
    """Every (municipal party, partner) pair the covenant asks an agreement for, in a few queries."""
    present = Organisation.objects.filter(left_at__isnull=True)  # a party that left gets none
    municipal = present.filter(kind=OrganisationKind.MUNICIPALITY).values_list("id", "municipality_id")
    arrangements: dict[int, set[int]] = defaultdict(set)
    for arrangement_id, municipality_id in Organisation.municipalities.through.objects.filter(
        organisation__kind=OrganisationKind.JOINT_ARRANGEMENT, organisation__left_at__isnull=True
    ).values_list("organisation_id", "municipality_id"):
        arrangements[arrangement_id].add(municipality_id)
    in_arrangement = set().union(*arrangements.values()) if arrangements else set()
    # the party that signs for each reference municipality: its arrangement, else the municipality
    parties: dict[int, set[int]] = {org_id: {muni_id} for org_id, muni_id in municipal if muni_id not in in_arrangement}
    parties.update(arrangements)
    partners = present.filter(kind=OrganisationKind.SIGNAL_PARTNER)
    national = list(partners.filter(national_coverage=True).values_list("id", flat=True))
    coverage: dict[int, set[int]] = defaultdict(set)
    for partner_id, municipality_id in Organisation.municipalities.through.objects.filter(
        organisation__kind=OrganisationKind.SIGNAL_PARTNER,
        organisation__national_coverage=False,
        organisation__left_at__isnull=True,
    ).values_list("organisation_id", "municipality_id"):
        coverage[partner_id].add(municipality_id)
    pairs = {(party, partner) for party in parties for partner in national}
    for partner_id, covered in coverage.items():
        pairs.update((party, partner_id) for party, members in parties.items() if members & covered)
    return pairs


def existing_pairs() -> set[Pair]:
    # a withdrawn pair stays without one (the helpdesk withdrew it on purpose); an ended one may get a new one
    # A draft withdrawn because of a local covenant is kept out by that covenant while it is
    # confirmed; once the helpdesk undoes it, the pair gets an agreement again.
    taken = [*OPEN_STATUSES, AgreementStatus.WITHDRAWN]
    for_covenant = AgreementHistory.objects.filter(event="withdraw", details__reason="local_covenant").values(
        "agreement_id"
    )
    open_pairs = (
        Agreement.objects.filter(status__in=taken)
        .exclude(status=AgreementStatus.WITHDRAWN, pk__in=for_covenant)
        .values_list("municipal_party_id", "partner_id")
    )
    covenants = LocalCovenant.objects.filter(status=LocalCovenantStatus.CONFIRMED).values_list(
        "municipal_party_id", "partner_id"
    )
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
    rows = [
        (party, partner, details[party][1], template.pk, AgreementStatus.DRAFT.value, details[party][0])
        for party, partner in sorted(missing)
    ]
    with transaction.atomic():
        _insert_drafts(rows, batch)
        created = list(Agreement.objects.filter(generation_batch=batch).values_list("id", flat=True))
        _insert_history(batch)
        record(action="agreements.generated", actor=actor, details={"count": len(created), "batch": str(batch)})
    return len(created)


def _prep(field: str, value: object) -> Any:
    model_field = Agreement._meta.get_field(field)
    assert isinstance(model_field, Field)
    return model_field.get_db_prep_value(value, connection, prepared=False)


def _insert_drafts(rows: Sequence[tuple[Any, ...]], batch: uuid.UUID, chunk: int = 500) -> None:
    """Plain multi-row INSERTs: at tens of thousands of rows the ORM's bulk_create spends most of
    its time compiling SQL. ON CONFLICT DO NOTHING lets the partial unique index
    `one_open_agreement_per_pair` settle a race with a concurrent run."""
    table = connection.ops.quote_name(Agreement._meta.db_table)
    columns = (
        "municipal_party_id, partner_id, executor_id, template_id, status, signal_system, generation_batch, created_at"
    )
    extra = (_prep("generation_batch", batch), _prep("created_at", timezone.now()))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(part))
            params: list[Any] = [value for row in part for value in (*row, *extra)]
            # only placeholders and our own table and column names are formatted into the SQL
            sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING"  # noqa: S608
            cursor.execute(sql, params)


def _insert_history(batch: uuid.UUID) -> None:
    """One history row ("generate") for every agreement this run created, in one statement."""
    history = connection.ops.quote_name(AgreementHistory._meta.db_table)
    agreements = connection.ops.quote_name(Agreement._meta.db_table)
    details_field = AgreementHistory._meta.get_field("details")
    assert isinstance(details_field, Field)
    details = details_field.get_db_prep_value({}, connection, prepared=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} (agreement_id, event, from_status, to_status, actor_id, at, details) "  # noqa: S608
            f"SELECT id, 'generate', '', 'draft', NULL, %s, %s FROM {agreements} WHERE generation_batch = %s",
            [_prep("created_at", timezone.now()), details, _prep("generation_batch", batch)],
        )
