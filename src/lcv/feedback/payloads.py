"""A feedback message as it leaves the platform: the same words in the API and in webhooks.

Only what the partner itself delivered (its delivery id, row and customer number, our id of its
signal), the municipality it delivered to, and the whitelist's words. Never a name, an address, an
amount, another partner or the case."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lcv.feedback.models import FeedbackMessage
from lcv.feedback.whitelist import Reason, Reported

# the API's words (stable identifiers in Dutch, documented in the OpenAPI document)
REPORTED_WORDS = {
    Reported.HELP_ACCEPTED: "hulp_geaccepteerd",
    Reported.DEBT_HELP: "al_bekend_bij_schuldhulp",
    Reported.NOT_PICKED_UP: "niet_opgepakt",
    Reported.WITHDRAWN: "ingetrokken",
}
REASON_WORDS = {
    Reason.REPEATED: "herhaalde_melding",
    Reason.UNJUSTIFIED: "onterecht_signaal",
    Reason.DECEASED: "overleden",
    Reason.NOT_RESIDENT: "geen_inwoner",
}


def for_partners(messages: QuerySet[FeedbackMessage]) -> QuerySet[FeedbackMessage]:
    """The joins `item` reads, in the same query (a page costs a fixed number of queries)."""
    return messages.select_related("signal", "delivery", "municipal_party", "corrects")


def item(message: FeedbackMessage) -> dict[str, Any]:
    return {
        "id": str(message.public_id),
        "soort": message.event,
        "tijdstip": message.created_at.isoformat(),
        "signaal_id": message.signal_id,
        "aanlever_id": message.delivery.client_reference or None,
        "rij": message.signal.row_number,
        "klantnummer": message.signal.customer_number or None,
        "gemeente": message.municipal_party.name,
        "terugkoppeling": REPORTED_WORDS.get(message.reported),  # type: ignore[call-overload]
        "reden": REASON_WORDS.get(message.reason),  # type: ignore[call-overload]
        "incasso_gepauzeerd_tot_en_met": message.pause_until.isoformat() if message.pause_until else None,
        "corrigeert": str(message.corrects.public_id) if message.corrects_id and message.corrects else None,
    }
