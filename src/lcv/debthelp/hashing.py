"""The keyed hash that stands in for a BSN (R17: store only what the check needs).

HMAC-SHA256 with a key derived from `DEBT_HELP_HASH_KEY`, or from `SECRET_KEY` when that is empty.
A BSN has only about 10^8 valid values, so a plain hash could be reversed by trying them all; the
key is what prevents that. Whoever has both the database and the key can still try them all, so the
key is kept out of the database and out of backups of it. Changing the key (rotation) makes the
stored hashes stop matching: the municipal party uploads its list again (docs/debt-help-check.md).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

KEY_PURPOSE = b"lcv.debthelp.bsn_hash.v1"


@lru_cache(maxsize=4)
def _derived_key(secret: str) -> bytes:
    # a key of its own for this purpose, so that SECRET_KEY's other uses never produce these values
    return hmac.new(secret.encode(), KEY_PURPOSE, hashlib.sha256).digest()


def _key() -> bytes:
    return _derived_key(settings.DEBT_HELP_HASH_KEY or settings.SECRET_KEY)


def bsn_hash(bsn: str) -> str:
    """The hex HMAC-SHA256 of a BSN given as 9 digits (use `normalise` first for user input)."""
    return hmac.new(_key(), bsn.encode("ascii"), hashlib.sha256).hexdigest()


def key_fingerprint() -> str:
    """Names the current key without revealing it: a list made with another key no longer matches."""
    return hmac.new(_key(), b"fingerprint", hashlib.sha256).hexdigest()[:16]
