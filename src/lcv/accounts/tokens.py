"""Signed, single-purpose, expiring tokens for e-mail links.

Both kinds hash the user's password hash and last login, so a link dies as soon as it has been
used to set a password (single use); each expires after its own timeout; and the two purposes
have different salts, so an invitation token is no reset token and vice versa.
"""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # used already, or never issued


class PurposeTokenGenerator(PasswordResetTokenGenerator):
    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    def state(self, user: Any, token: str) -> TokenState:
        if not (user and token):
            return TokenState.INVALID
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return TokenState.INVALID
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, s), token) for s in secrets):
            return TokenState.INVALID
        if self._num_seconds(self._now()) - ts > getattr(settings, self.timeout_setting):
            return TokenState.EXPIRED
        return TokenState.VALID

    def check_token(self, user: Any, token: str | None) -> bool:
        return self.state(user, token or "") is TokenState.VALID


class ResetTokenGenerator(PurposeTokenGenerator):
    key_salt = "lcv.accounts.tokens.ResetTokenGenerator"


class InvitationTokenGenerator(PurposeTokenGenerator):
    key_salt = "lcv.accounts.tokens.InvitationTokenGenerator"
    timeout_setting = "LCV_INVITATION_TIMEOUT"


reset_tokens = ResetTokenGenerator()
invitation_tokens = InvitationTokenGenerator()
