"""Deployment checks (`lcv check --deploy`) for settings Django's own checks do not know."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_is_off(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Demo mode shows every e-mail (reset links, invitation links) and the current demo code at
    /dev/mail/ to anyone: a deployment with it on must not pass."""
    errors = []
    if settings.LCV_DEMO:
        errors.append(
            Error(
                "LCV_DEMO is on: /dev/mail/ shows reset links and second-factor codes to anyone.",
                hint="Set LCV_DEMO=false (the default with DATABASE_URL).",
                id="lcv.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on: error pages show code and settings.", hint="Set DEBUG=false.", id="lcv.E002"))
    return errors
