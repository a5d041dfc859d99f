"""Writes for the debt-help check (R17)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from lcv.audit.services import record
from lcv.debthelp.hashing import bsn_hash, key_fingerprint
from lcv.debthelp.models import DebtHelpEntry, DebtHelpList
from lcv.debthelp.reading import read_bsns
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation

BATCH = 5000


class NotAMunicipalParty(ValueError):
    """Only a municipality or a joint arrangement keeps a debt-help list."""


@dataclass(frozen=True)
class Result:
    """What an upload did: the new list, or the problems that refused the whole file."""

    debt_help_list: DebtHelpList | None
    messages: list[str] = field(default_factory=list)  # per line (the first 100), never a BSN
    problems: int = 0
    duplicates: int = 0

    @property
    def accepted(self) -> bool:
        return self.debt_help_list is not None


def replace_list(*, party: Organisation, actor: Any, content: bytes, file_name: str) -> Result:
    """R17: replace the municipal party's list of residents known at its debt-help service.

    The file is refused whole when any line is not a valid BSN: a half list would wrongly pass the
    missing residents as unknown, so the old list then stays as it was. An accepted file replaces
    the old list atomically: its entries are deleted and the new keyed hashes written in one
    transaction, under a lock on the party, so the check never sees a mix or an empty list. Only
    the hashes, the count and the file's SHA-256 are stored; the history row of every upload stays.
    """
    if party.kind not in MUNICIPAL_KINDS:
        raise NotAMunicipalParty(party.pk)
    parsed = read_bsns(content)
    if not parsed.ok:
        record(
            action="debthelp.list_refused",
            actor=actor,
            organisation=party,
            details={"problems": parsed.problems, "bytes": len(content)},
        )
        return Result(None, parsed.messages, parsed.problems, parsed.duplicates)
    hashes = sorted(bsn_hash(bsn) for bsn in parsed.bsns)
    with transaction.atomic():
        Organisation.objects.select_for_update().only("id").get(pk=party.pk)
        new = DebtHelpList.objects.create(
            party=party,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            count=len(hashes),
            file_name=file_name[:200],
            file_sha256=hashlib.sha256(content).hexdigest(),
            key_fingerprint=key_fingerprint(),
        )
        DebtHelpEntry.objects.filter(party=party).delete()
        DebtHelpEntry.objects.bulk_create(
            (DebtHelpEntry(list=new, party=party, bsn_hash=value) for value in hashes), batch_size=BATCH
        )
        record(
            action="debthelp.list_replaced",
            actor=actor,
            organisation=party,
            obj=new,
            details={"count": len(hashes), "duplicates": parsed.duplicates},
        )
    return Result(new, duplicates=parsed.duplicates)
