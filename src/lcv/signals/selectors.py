from __future__ import annotations

from django.db.models import QuerySet

from lcv.organisations.models import Organisation
from lcv.signals.models import Delivery, Signal


def recent_deliveries(organisation: Organisation, limit: int = 3) -> QuerySet[Delivery]:
    """The organisation's newest deliveries, for the start page (without the stored files)."""
    return Delivery.objects.filter(organisation=organisation).defer("content").order_by("-received_at", "-id")[:limit]


def received_signal_count(organisation: Organisation) -> int:
    """Signals admitted for this municipality or joint arrangement (counts only)."""
    return Signal.objects.filter(municipal_party=organisation).count()
