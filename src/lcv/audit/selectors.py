from __future__ import annotations

from django.db.models import QuerySet

from lcv.audit.models import AuditEvent


def audit_events(*, action: str = "", organisation_id: int | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "organisation")
    if action:
        events = events.filter(action__startswith=action)
    if organisation_id:
        events = events.filter(organisation_id=organisation_id)
    return events
