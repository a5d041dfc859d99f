"""Writing audit events. Every service that changes something calls `record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from lcv.audit.context import current_origin
from lcv.audit.models import AuditEvent

# Keys that may never appear in details: personal data stays out of the audit log (DOMAIN.md §4).
FORBIDDEN_DETAIL_KEYS = frozenset({"bsn", "name", "full_name", "email", "phone", "address", "amount", "password"})


def record(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (who, for which organisation, what, on which object, from where)."""
    details = details or {}
    leaked = FORBIDDEN_DETAIL_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details may not hold personal data: {sorted(leaked)}")
    origin = current_origin.get()
    if organisation is None and actor is not None and getattr(actor, "is_authenticated", False):
        membership = getattr(actor, "membership", None)
        organisation = membership.organisation if membership else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        details=details,
    )
