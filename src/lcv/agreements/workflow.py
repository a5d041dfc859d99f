"""The agreement state machine: one table of allowed transitions (R3, R5, R9).

`sign` leads to `partially_signed` or `active` depending on whether every required party has signed;
the table lists both targets and the signing service chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lcv.agreements.models import AgreementStatus as S
from lcv.organisations.models import Role


class TransitionError(Exception):
    """A transition the table does not allow; the message is Dutch."""


@dataclass(frozen=True)
class Transition:
    source: S
    event: str
    targets: tuple[S, ...]
    roles: frozenset[Role]  # who may take it (on the side named by `side`)
    side: str  # "municipal", "any party", "platform"


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, "release", (S.RELEASED,), frozenset({Role.CONTACT}), "municipal"),
    Transition(S.RELEASED, "sign", (S.PARTIALLY_SIGNED, S.ACTIVE), frozenset({Role.SIGNATORY}), "any party"),
    Transition(S.PARTIALLY_SIGNED, "sign", (S.PARTIALLY_SIGNED, S.ACTIVE), frozenset({Role.SIGNATORY}), "any party"),
    Transition(S.ACTIVE, "end", (S.ENDED,), frozenset({Role.CONTACT, Role.SIGNATORY}), "any party"),
    # a party leaves the platform (recorded by the helpdesk): its active agreements end with it
    Transition(S.ACTIVE, "end_at_departure", (S.ENDED,), frozenset({Role.HELPDESK}), "platform"),
    Transition(S.DRAFT, "withdraw", (S.WITHDRAWN,), frozenset({Role.HELPDESK}), "platform"),
    Transition(S.RELEASED, "withdraw", (S.WITHDRAWN,), frozenset({Role.HELPDESK}), "platform"),
    Transition(S.PARTIALLY_SIGNED, "withdraw", (S.WITHDRAWN,), frozenset({Role.HELPDESK}), "platform"),
)

_BY_KEY = {(t.source, t.event): t for t in TRANSITIONS}

MESSAGES = {
    "release": "Alleen een concept kan worden vrijgegeven.",
    "sign": "Deze overeenkomst is niet vrijgegeven voor ondertekening.",
    "end": "Alleen een actieve overeenkomst kan worden beëindigd.",
    "end_at_departure": "Alleen een actieve overeenkomst kan worden beëindigd.",
    "withdraw": "Een actieve of afgesloten overeenkomst kan niet worden ingetrokken.",
}


# How the history on the agreement page names each event (AgreementHistory.event). Besides the
# transitions above: "generate" (generation.py makes the draft) and "give_notice" (a party gives
# notice; the status stays active until the end date). A code not listed shows EVENT_FALLBACK.
EVENT_LABELS = {
    "generate": _("Concept aangemaakt"),
    "release": _("Vrijgegeven voor ondertekening"),
    "sign": _("Ondertekend"),
    "give_notice": _("Opgezegd"),
    "end": _("Beëindigd"),
    "end_at_departure": _("Beëindigd door vertrek van een partij"),
    "withdraw": _("Ingetrokken"),
}
EVENT_FALLBACK = _("Wijziging")


def event_label(event: str) -> str:
    """The Dutch words for a history event; never the code itself."""
    return str(EVENT_LABELS.get(event, EVENT_FALLBACK))


def transition(source: str, event: str) -> Transition:
    """The allowed transition for `event` from `source`, or a TransitionError in Dutch."""
    found = _BY_KEY.get((S(source), event))
    if found is None:
        raise TransitionError(MESSAGES.get(event, "Deze stap is niet toegestaan."))
    return found


def sources_for(event: str) -> list[S]:
    return [t.source for t in TRANSITIONS if t.event == event]
