"""`GET /api/v1/feedback` (R20, R21): a partner's system reads the feedback on its own signals.

Mounted on the partner API of lcv.signals (same bearer tokens, same problem details) by this app's
ready(), so the API below knows nothing of feedback. The cursor is the message id: messages are
committed in id order (services.py takes a lock), so paging with `since` never skips a message that
commits later. A page costs a fixed number of queries whatever its size or position.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lcv.feedback.models import FeedbackMessage
from lcv.feedback.payloads import REASON_WORDS, REPORTED_WORDS, for_partners, item
from lcv.signals.api import ERRORS
from lcv.signals.models import ApiToken

MAX_LIMIT = 500

router = Router(tags=["Terugkoppeling"])

EventWord = Literal["feedback.created", "feedback.corrected", "pause.started", "pause.ended"]
ReportedWord = Literal[tuple(REPORTED_WORDS.values())]  # type: ignore[valid-type]
ReasonWord = Literal[tuple(REASON_WORDS.values())]  # type: ignore[valid-type]


class FeedbackOut(Schema):
    id: str = Field(description="Unieke id van dit bericht (ook de `webhook-id` van de webhook).")
    soort: EventWord = Field(
        description="`feedback.created`: terugkoppeling; `feedback.corrected`: correctie van het bericht in "
        "`corrigeert`; `pause.started`: incasso gepauzeerd vanaf aanlevering (addendum); `pause.ended`: de pauze "
        "is voorbij."
    )
    tijdstip: datetime
    signaal_id: int = Field(description="Id van uw signaal in het portaal.")
    aanlever_id: str | None = Field(description="Uw aanlever-id van de aanlevering (API), anders leeg.")
    rij: int = Field(description="Rij van het signaal in die aanlevering (de eerste is 1).")
    klantnummer: str | None = Field(description="Uw klantnummer uit die rij.")
    gemeente: str = Field(description="De gemeente (of het samenwerkingsverband) die het signaal ontving.")
    terugkoppeling: ReportedWord | None = Field(  # type: ignore[valid-type]
        description="`hulp_geaccepteerd`, `al_bekend_bij_schuldhulp`, `niet_opgepakt`, of bij een correctie "
        "`ingetrokken` (het eerdere bericht geldt niet meer). Leeg bij berichten over de pauze."
    )
    reden: ReasonWord | None = Field(  # type: ignore[valid-type]
        description="Alleen bij `niet_opgepakt`, en alleen als de reden gedeeld mag worden."
    )
    incasso_gepauzeerd_tot_en_met: date | None = Field(
        description="Pauzeer de incasso van dit signaal tot en met deze dag (R21: minstens 30 dagen na "
        "acceptatie van hulp). Leeg: geen pauze."
    )
    corrigeert: str | None = Field(description="Bij een correctie: de id van het bericht dat niet meer geldt.")


class FeedbackPageOut(Schema):
    berichten: list[FeedbackOut]
    volgende: str = Field(description="Geef dit mee als `since` voor de volgende pagina.")
    meer: bool = Field(description="Of er direct nog een pagina klaarstaat.")


@router.get(
    "/feedback",
    response={200: FeedbackPageOut, **ERRORS},
    operation_id="listFeedback",
    url_name="feedback",
    summary="Terugkoppeling op eigen signalen, oudste eerst, vanaf een cursor",
)
def list_feedback(
    request: HttpRequest,
    since: str = Query(
        "0",
        pattern=r"^[0-9]{1,18}$",
        description="De `volgende` van de vorige pagina; `0` (of weglaten) begint bij het eerste bericht.",
    ),
    limit: int = Query(100, ge=1, le=MAX_LIMIT, description=f"Hoeveel berichten (1-{MAX_LIMIT})."),
) -> Any:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    cursor = int(since)
    rows = list(
        for_partners(FeedbackMessage.objects.filter(partner_id=token.organisation_id, id__gt=cursor)).order_by("id")[
            : limit + 1
        ]
    )
    page = rows[:limit]
    return {
        "berichten": [item(message) for message in page],
        "volgende": str(page[-1].pk if page else cursor),
        "meer": len(rows) > limit,
    }
