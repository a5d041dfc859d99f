"""R21: how long a partner pauses collection. One place for the dates, so the portal, the API and
the tests agree. A pause runs up to and including its last day."""

from __future__ import annotations

from datetime import date, timedelta

# FAQ 34-36, 39: at least 30 days from the acceptance of help. Counted in days, not months: "one
# month" from 31 January would end on 28 February, two days short.
HELP_PAUSE = timedelta(days=30)
# FAQ 38, the addendum "pause from delivery": until delivery + 4 weeks unless help is accepted
DELIVERY_PAUSE = timedelta(weeks=4)


def after_help(accepted_on: date) -> date:
    return accepted_on + HELP_PAUSE


def after_delivery(received_on: date) -> date:
    return received_on + DELIVERY_PAUSE
