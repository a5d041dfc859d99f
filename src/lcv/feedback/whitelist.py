"""R20: what may leave the municipality about a case, in one place (FACTS.md "Feedback to partners").

Every DDAS outcome has a row here, and only these rows produce feedback. An outcome whose row is
None ("nothing": no contact, no reaction, no help wanted, paid, another trajectory) has no code
path that produces a message: `services` asks `reported_for` and stops on None. The partner learns
the kind of feedback and, for four outcomes, the reason; never more.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from lcv.cases.outcomes import Outcome


class Reported(models.TextChoices):
    """What a partner can be told about its signal."""

    HELP_ACCEPTED = "help_accepted", _("Hulp geaccepteerd")
    DEBT_HELP = "debt_help", _("Al bekend bij schuldhulpverlening")
    NOT_PICKED_UP = "not_picked_up", _("Niet opgepakt")
    # only as a correction: an earlier message was wrong and no longer holds
    WITHDRAWN = "withdrawn", _("Eerder bericht ingetrokken")


class Reason(models.TextChoices):
    """The reasons "not picked up" may carry; any other reason stays inside the municipality."""

    REPEATED = "repeated", _("Herhaalde melding")
    UNJUSTIFIED = "unjustified", _("Onterecht signaal")
    DECEASED = "deceased", _("Inwoner is overleden")
    NOT_RESIDENT = "not_resident", _("Geen inwoner (meer) van de gemeente")


class Row(NamedTuple):
    reported: str
    reason: str = ""


# Outcome -> what the partner learns. Keys are every DDAS outcome; a new outcome without a row fails
# the enumeration test and raises KeyError here rather than being reported by default.
WHITELIST: dict[str, Row | None] = {
    Outcome.ADVICE: Row(Reported.HELP_ACCEPTED),
    Outcome.FOLLOW_UP_FINANCIAL: Row(Reported.HELP_ACCEPTED),
    Outcome.FOLLOW_UP_NON_FINANCIAL: Row(Reported.HELP_ACCEPTED),
    Outcome.REFERRAL_WITHOUT_CONTACT: Row(Reported.HELP_ACCEPTED),
    Outcome.KNOWN_DEBT_HELP: Row(Reported.DEBT_HELP),
    Outcome.UNJUSTIFIED: Row(Reported.NOT_PICKED_UP, Reason.UNJUSTIFIED),
    Outcome.REPEATED: Row(Reported.NOT_PICKED_UP, Reason.REPEATED),
    Outcome.DECEASED: Row(Reported.NOT_PICKED_UP, Reason.DECEASED),
    Outcome.NOT_RESIDENT: Row(Reported.NOT_PICKED_UP, Reason.NOT_RESIDENT),
    Outcome.OTHER_REASON: Row(Reported.NOT_PICKED_UP),
    Outcome.NO_CONTACT: None,
    Outcome.NO_RESPONSE: None,
    Outcome.NO_HELP_WANTED: None,
    Outcome.PAID: None,
    Outcome.OTHER_TRAJECTORY: None,
}

# help accepted before the case closes (no plan needed first, FAQ 37 and 39)
HELP_ACCEPTED_ROW = Row(Reported.HELP_ACCEPTED)


def reported_for(outcome: str) -> Row | None:
    """The row of this outcome: what the partner learns, or None for nothing."""
    return WHITELIST[Outcome(outcome)]
