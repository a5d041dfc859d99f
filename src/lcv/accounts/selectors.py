from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.policy import membership_of
from lcv.organisations.models import ROLES_WITH_PERSONAL_DATA


def needs_second_factor(user: Any) -> bool:
    """People whose roles see personal data log in with a second factor (DOMAIN.md §4)."""
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and bool(membership.roles & ROLES_WITH_PERSONAL_DATA)


def has_confirmed_totp(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
