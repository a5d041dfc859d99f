"""Reads for the debt-help check (R17): the only question another app may ask about a resident's
debt help is "is this BSN on the party's current list?". Nothing else about residents is kept."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db.models import QuerySet

from lcv.debthelp.hashing import bsn_hash, key_fingerprint
from lcv.debthelp.models import DebtHelpEntry, DebtHelpList
from lcv.organisations.models import Organisation

__all__ = ["bsn_hash", "current_list", "key_changed", "known_at_debt_help", "known_hashes", "upload_history"]

CHUNK = 5000


def known_at_debt_help(*, party_id: int, bsns: Iterable[str]) -> set[str]:
    """R17: the BSNs (9 digits, as given) that the party's current debt-help list holds.

    One query per 5,000 BSNs. A party without a list, or whose list was made with an earlier key,
    knows nobody here (the page asks for a new upload)."""
    found: set[str] = set()
    iterator = iter(bsns)
    while chunk := list(islice(iterator, CHUNK)):
        by_hash = {bsn_hash(bsn): bsn for bsn in chunk}
        hits = DebtHelpEntry.objects.filter(party_id=party_id, bsn_hash__in=by_hash).values_list("bsn_hash", flat=True)
        found.update(by_hash[value] for value in hits)
    return found


def known_hashes(*, party_id: int) -> QuerySet[DebtHelpEntry, str]:
    """R17, set-based: the keyed hashes of the party's current list, for a subquery such as
    ``Person.objects.filter(bsn_hash__in=known_hashes(party_id=p))`` when the caller stores
    `bsn_hash(bsn)` next to the BSN. Index: (party, bsn_hash)."""
    return DebtHelpEntry.objects.filter(party_id=party_id).values_list("bsn_hash", flat=True)


def current_list(party: Organisation) -> DebtHelpList | None:
    """The upload whose entries are the party's list now (the newest), with its uploader."""
    return DebtHelpList.objects.filter(party=party).select_related("uploaded_by").first()


def key_changed(debt_help_list: DebtHelpList) -> bool:
    """True when the list was hashed with another key than today's: it matches nobody any more."""
    return debt_help_list.key_fingerprint != key_fingerprint()


def upload_history(party: Organisation) -> QuerySet[DebtHelpList]:
    """Every upload of the party, newest first: who, when, how many (never the numbers)."""
    return DebtHelpList.objects.filter(party=party).select_related("uploaded_by")
