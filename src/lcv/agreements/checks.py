"""Deployment checks for the seal (R6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def seal_key_has_a_password(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.LCV_SEAL_PASSWORD or settings.LCV_DEMO:
        return []
    return [
        Error(
            "LCV_SEAL_PASSWORD is empty: the seal's private key would lie unencrypted on disk.",
            hint="Protect the PKCS#12 file with a password and set LCV_SEAL_PASSWORD for the worker.",
            id="lcv.E010",
        )
    ]
