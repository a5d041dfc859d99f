"""The case's status machine (R19): one table of allowed transitions. services.py has one function
per event; each checks this table under a row lock and writes an append-only history row."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lcv.cases.models import CaseStatus

NEW, IN_PROGRESS, ACCEPTED, CLOSED = (
    CaseStatus.NEW.value,
    CaseStatus.IN_PROGRESS.value,
    CaseStatus.HELP_ACCEPTED.value,
    CaseStatus.CLOSED.value,
)
OPEN = (NEW, IN_PROGRESS, ACCEPTED)

# event -> {from status: to status}; an event not listed for a status is refused
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {NEW: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS, ACCEPTED: ACCEPTED},
    "attempt": {NEW: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS, ACCEPTED: ACCEPTED},
    "note": {NEW: NEW, IN_PROGRESS: IN_PROGRESS, ACCEPTED: ACCEPTED, CLOSED: CLOSED},
    "threatening": {NEW: NEW, IN_PROGRESS: IN_PROGRESS},
    "brp_resolved": {NEW: NEW, IN_PROGRESS: IN_PROGRESS, ACCEPTED: ACCEPTED},
    "accept_help": {NEW: ACCEPTED, IN_PROGRESS: ACCEPTED},
    "close": {NEW: CLOSED, IN_PROGRESS: CLOSED, ACCEPTED: CLOSED},
    "reopen": {CLOSED: IN_PROGRESS},
}

# the words of the history (events written by grouping.py and the BRP check included)
EVENT_LABELS = {
    "opened": _("Zaak aangemaakt"),
    "updated": _("Geactualiseerd: herhaling van een bekende achterstand, niet hoger"),
    "news": _("Nieuw signaal"),
    "assign": _("Toegewezen"),
    "attempt": _("Contactpoging vastgelegd"),
    "note": _("Notitie"),
    "threatening": _("Bedreigende situatie: hulp binnen 3 werkdagen"),
    "brp_checked": _("BRP-controle uitgevoerd"),
    "brp_waiting": _("BRP niet bereikbaar; controle wordt opnieuw geprobeerd"),
    "brp_resolved": _("Persoon beoordeeld door behandelaar"),
    "debt_help": _("Inwoner bekend bij schuldhulpverlening"),
    "accept_help": _("Hulp geaccepteerd"),
    "close": _("Afgesloten"),
    "reopen": _("Heropend om het resultaat te corrigeren"),
    "letter": _("Brief gemaakt"),
}


def next_status(event: str, status: str) -> str | None:
    """The status after `event`, or None when the event is not allowed in `status`."""
    return TRANSITIONS.get(event, {}).get(status)
