from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice


def needs_second_factor(user: Any) -> bool:
    """Every account logs in with a second factor (DOMAIN.md §4). Contacts deliver signals and read
    refused rows, signatories sign, staff use the Django admin: a rule by role left holes, so the
    honest rule is everyone who is logged in."""
    return bool(getattr(user, "is_authenticated", False))


def has_confirmed_totp(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
