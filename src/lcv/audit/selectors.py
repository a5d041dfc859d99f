from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from lcv.audit.models import AuditEvent


def audit_events(
    *,
    action: str = "",
    organisation_id: int | None = None,
    organisation_name: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events, newest first; `date_to` counts the whole day."""
    events = AuditEvent.objects.select_related("actor", "organisation")
    if action:
        events = events.filter(action=action)
    if organisation_id:
        events = events.filter(organisation_id=organisation_id)
    if organisation_name:
        events = events.filter(organisation__name__icontains=organisation_name)
    if date_from:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        events = events.filter(at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min)))
    return events
