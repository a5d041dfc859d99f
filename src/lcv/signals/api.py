"""The partner API, /api/v1/ (R13 "nothing lost", R10-R15 per row): a signal partner's system posts
a delivery of signals with its own delivery id and reads back how it was processed.

Thin on purpose: authentication is `tokens.authenticate`, storing is `intake.receive_api` (the raw
body as received, then queued), judging rows is `processing`. Errors are RFC 9457 problem details
with Dutch text. The generated OpenAPI document is committed at docs/api/openapi.json (`lcv
api_schema` writes it; a test fails when it drifts).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from pydantic import ConfigDict, create_model

from lcv.audit.services import record
from lcv.signals import intake, tokens
from lcv.signals.columns import COLUMNS
from lcv.signals.models import ApiToken, Delivery, DeliverySource, DeliveryStatus, RowError

PROBLEM_JSON = "application/problem+json"
ID_PATTERN = r"^[A-Za-z0-9._-]+$"
MAX_SIGNALS = 5000
MAX_ROW_ERRORS = 10000
MAX_VALIDATION_ERRORS = 100

StatusWord = Literal["ontvangen", "in_verwerking", "verwerkt", "onleesbaar", "mislukt"]
STATUS_WORDS: dict[str, StatusWord] = {
    DeliveryStatus.RECEIVED: "ontvangen",
    DeliveryStatus.PROCESSING: "in_verwerking",
    DeliveryStatus.DONE: "verwerkt",
    DeliveryStatus.UNREADABLE: "onleesbaar",
    DeliveryStatus.FAILED: "mislukt",
}


class PartnerAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Error responses are problem details (RFC 9457), so their media type says so."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if int(status) >= 400 and "application/json" in response.get("content", {}):
                        response["content"] = {PROBLEM_JSON: response["content"]["application/json"]}
        return schema


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return tokens.authenticate(token)


api = PartnerAPI(
    title="LCV-portaal API",
    version="1",
    description=(
        "Aanleveren van vroegsignalen door signaalpartners en het resultaat van de verwerking opvragen. "
        "Authenticatie: `Authorization: Bearer <API-sleutel>` (de sleutel maakt de contactpersoon in het "
        "portaal onder Aanleveringen > API-sleutels). Zie docs/api.md."
    ),
    urls_namespace="api",
    docs_url=None,  # Swagger UI needs assets and inline styles the CSP does not allow
    auth=TokenAuth(),
)


# Schemas -----------------------------------------------------------------------------------------

Value = str | int | float | bool | None

if TYPE_CHECKING:
    SignalIn = dict[str, Value]
else:
    # One optional field per column (columns.COLUMNS: the same Dutch names as in files). Fields that
    # are missing, unknown or wrong are reported per row by the processing, not refused here.
    SignalIn = create_model(
        "Signaal",
        __config__=ConfigDict(extra="ignore"),
        **{
            column.name: (
                Value,
                Field(None, description=column.description, examples=[column.example]),
            )
            for column in COLUMNS
        },
    )


class DeliveryIn(Schema):
    aanlever_id: str = Field(
        min_length=1,
        max_length=100,
        pattern=ID_PATTERN,
        description="Uw eigen unieke id van deze aanlevering (letters, cijfers, '-', '_', '.'). "
        "Dezelfde aanlevering nog eens versturen met hetzelfde id is veilig: er wordt niets dubbel verwerkt.",
        examples=["2026-03-22-001"],
    )
    signalen: list[SignalIn] = Field(
        min_length=1, max_length=MAX_SIGNALS, description=f"1 tot {MAX_SIGNALS} signalen; de eerste is rij 1."
    )


class DeliveryOut(Schema):
    aanlever_id: str
    status: StatusWord = Field(
        description="ontvangen (wacht op verwerking), in_verwerking, verwerkt, onleesbaar (zie `fout`) of "
        "mislukt (niets aangenomen; zie `fout`)."
    )
    ontvangen_op: datetime
    verwerkt_op: datetime | None
    rijen_totaal: int | None = Field(description="Aantal signalen; bekend zodra de verwerking begint.")
    rijen_verwerkt: int
    geaccepteerd: int = Field(description="Toegelaten signalen (inclusief gemarkeerde).")
    afgewezen: int = Field(description="Afgewezen rijen; de redenen staan in `fouten`.")
    gemarkeerd: int = Field(description="Toegelaten, maar buiten het aanlevermoment of zonder eerder vroegsignaal.")
    al_aangeleverd: int = Field(
        description="Rijen met een signaal dat u al eerder aanleverde (zelfde klantnummer, soort, type, datum van de "
        "achterstand en bedrag): niet opnieuw toegelaten en geen fout; zie `herhalingen`."
    )
    fout: str | None = Field(description="Waarom de hele aanlevering onleesbaar is; anders null.")


MAX_REPEATS = 1000


class RowErrorOut(Schema):
    rij: int = Field(description="Rijnummer: het eerste signaal is rij 1.")
    klantnummer: str = Field(description="Uw eigen klantnummer uit die rij (leeg als de rij er geen had).")
    veld: str = Field(description="Het veld (leeg als de fout de hele rij betreft).")
    melding: str


class RepeatOut(Schema):
    rij: int
    melding: str = Field(description="Wanneer en in welke aanlevering het signaal al binnenkwam.")


class DeliveryDetailOut(DeliveryOut):
    aantal_fouten: int
    fouten: list[RowErrorOut]
    herhalingen: list[RepeatOut] = Field(description=f"De eerste {MAX_REPEATS} rijen die al eerder zijn aangeleverd.")


class DeliveryListOut(Schema):
    aantal: int = Field(description="Totaal aantal aanleveringen via de API.")
    limit: int
    offset: int
    aanleveringen: list[DeliveryOut]


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class ProblemField(Schema):
    plaats: str = Field(description="Waar in het verzoek, bijv. `signalen[3].postcode`.")
    melding: str


class ValidationProblem(Problem):
    fouten: list[ProblemField]


# Errors as problem details ----------------------------------------------------------------------


def problem(status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_JSON}; charset=utf-8"
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="LCV-portaal API"'
    return response


# pydantic's error types in Dutch; the context (e.g. max_length) is filled in.
VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("ontbreekt"),
    "string_type": gettext_lazy("moet tekst zijn"),
    "string_too_short": gettext_lazy("is te kort (minstens {min_length} teken)"),
    "string_too_long": gettext_lazy("is te lang (ten hoogste {max_length} tekens)"),
    "string_pattern_mismatch": gettext_lazy("mag alleen letters, cijfers, '-', '_' en '.' bevatten"),
    "too_short": gettext_lazy("moet minstens {min_length} element bevatten"),
    "too_long": gettext_lazy("mag ten hoogste {max_length} elementen bevatten"),
    "list_type": gettext_lazy("moet een lijst zijn"),
    "model_type": gettext_lazy("moet een object met velden zijn"),
    "model_attributes_type": gettext_lazy("moet een object met velden zijn"),
    "dict_type": gettext_lazy("moet een object met velden zijn"),
    "int_type": gettext_lazy("moet een geheel getal zijn"),
    "int_parsing": gettext_lazy("moet een geheel getal zijn"),
    "greater_than_equal": gettext_lazy("moet minstens {ge} zijn"),
    "less_than_equal": gettext_lazy("mag ten hoogste {le} zijn"),
}
VALUE_TYPES = frozenset({"str", "int", "float", "bool"})  # the members of `Value`, as pydantic names them


def _place(loc: Iterable[Any]) -> tuple[str, bool]:
    """("body", "payload", "signalen", 3, "bedrag", "int") -> ("signalen[3].bedrag", True): where, and
    whether the error is one member of the `Value` union of a signal's field."""
    parts = list(loc)
    source = parts.pop(0) if parts else ""
    if source == "body" and parts:
        parts.pop(0)  # the view's parameter name
    union_member = len(parts) >= 4 and parts[0] == "signalen" and parts[-1] in VALUE_TYPES
    if union_member:
        parts.pop()
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or str(source), union_member


def _translated(error: dict[str, Any]) -> str:
    template = VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template).format(**error.get("ctx", {}))
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg", ""))


def dutch_validation_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """ninja's (pydantic's) validation errors as [{"plaats", "melding"}] in Dutch, one per place."""
    result: dict[str, str] = {}
    for error in errors:
        place, union_member = _place(error.get("loc", ()))
        if place in result:
            continue
        result[place] = _("moet tekst, een getal, true/false of null zijn") if union_member else _translated(error)
        if len(result) >= MAX_VALIDATION_ERRORS:
            break
    return [{"plaats": place, "melding": message} for place, message in result.items()]


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles = {
        400: (_("Onleesbaar verzoek"), _("De inhoud van het verzoek is geen geldige JSON.")),
        401: (
            _("Niet geauthenticeerd"),
            _("Stuur een geldige, niet ingetrokken API-sleutel mee: Authorization: Bearer <API-sleutel>."),
        ),
        405: (_("Methode niet toegestaan"), _("Deze methode is niet toegestaan voor dit adres.")),
        429: (_("Te veel verzoeken"), _("Wacht even en probeer het opnieuw.")),
    }
    title, detail = titles.get(exc.status_code, (_("Fout"), str(exc)))
    return problem(exc.status_code, title, detail)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = dutch_validation_errors(exc.errors)
    if request.method == "POST":
        title = _("Ongeldige aanlevering")
        detail = _("De aanlevering voldoet niet aan de beschrijving van de API; er is niets opgeslagen. Zie `fouten`.")
    else:
        title = _("Ongeldig verzoek")
        detail = _("Het verzoek voldoet niet aan de beschrijving van de API. Zie `fouten`.")
    return problem(422, title, detail, fouten=fields)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("Niet gevonden"), _("Uw organisatie heeft geen aanlevering met dit aanlever_id."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        413,
        _("Aanlevering te groot"),
        _("Het verzoek is te groot. Lever ten hoogste %(count)d signalen per aanlevering aan.")
        % {"count": MAX_SIGNALS},
    )


# Endpoints -----------------------------------------------------------------------------------------


def _token(request: HttpRequest) -> ApiToken:
    """The token TokenAuth found (ninja sets `request.auth` only after authenticating)."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def _own_api_deliveries(request: HttpRequest) -> QuerySet[Delivery]:
    """Only deliveries of the token's organisation that came in through the API: a partner sees its
    own deliveries, never another organisation's (DOMAIN.md §4)."""
    return Delivery.objects.filter(organisation_id=_token(request).organisation_id, source=DeliverySource.API)


def _summary(delivery: Delivery) -> dict[str, Any]:
    return {
        "aanlever_id": delivery.client_reference,
        "status": STATUS_WORDS[delivery.status],
        "ontvangen_op": delivery.received_at,
        "verwerkt_op": delivery.finished_at,
        "rijen_totaal": delivery.rows_total,
        "rijen_verwerkt": delivery.rows_done,
        "geaccepteerd": delivery.accepted,
        "afgewezen": delivery.rejected,
        "gemarkeerd": delivery.flagged,
        "al_aangeleverd": delivery.repeated,
        "fout": delivery.error or None,
    }


ERRORS = {401: Problem, 422: ValidationProblem}


@api.post(
    "/deliveries",
    response={202: DeliveryOut, 200: DeliveryOut, 400: Problem, 409: Problem, 413: Problem, **ERRORS},
    operation_id="createDelivery",
    url_name="deliveries",
    summary="Aanlevering versturen",
    description="202: ontvangen en in de wachtrij voor verwerking. 200: deze aanlevering (zelfde aanlever_id, "
    "exact dezelfde inhoud) was al ontvangen; er is niets nieuws opgeslagen. 409: het aanlever_id is al gebruikt "
    "voor een andere inhoud. Fouten per rij komen uit de verwerking: vraag ze op met GET /deliveries/{aanlever_id}.",
)
def create_delivery(request: HttpRequest, response: HttpResponse, payload: DeliveryIn) -> Any:
    body = request.body  # stored exactly as received (R13)
    try:
        received = intake.receive_api(token=_token(request), client_reference=payload.aanlever_id, body=body)
    except intake.IntakeError as error:
        return problem(403, _("Aanleveren niet toegestaan"), str(error))
    delivery = received.delivery
    response["Location"] = f"{request.path}/{delivery.client_reference}"
    if received.is_new:
        return Status(202, _summary(delivery))
    if delivery.source != DeliverySource.API or delivery.sha256 != hashlib.sha256(body).hexdigest():
        return problem(
            409,
            _("Aanlever-id al gebruikt"),
            _(
                "Uw organisatie heeft eerder een aanlevering met aanlever_id '%(id)s' gestuurd, met een andere "
                "inhoud. Gebruik voor elke nieuwe aanlevering een nieuw aanlever_id."
            )
            % {"id": payload.aanlever_id},
        )
    return Status(200, _summary(delivery))


@api.get(
    "/deliveries",
    response={200: DeliveryListOut, **ERRORS},
    operation_id="listDeliveries",
    url_name="deliveries",
    summary="Eigen aanleveringen, nieuwste eerst",
)
def list_deliveries(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=100, description="Hoeveel aanleveringen (1-100)."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Hoeveel aanleveringen overslaan."),
) -> Any:
    deliveries = _own_api_deliveries(request)
    page = deliveries.order_by("-received_at", "-id")[offset : offset + limit]
    return {
        "aantal": deliveries.count(),
        "limit": limit,
        "offset": offset,
        "aanleveringen": [_summary(delivery) for delivery in page],
    }


@api.get(
    "/deliveries/{aanlever_id}",
    response={200: DeliveryDetailOut, 404: Problem, **ERRORS},
    operation_id="getDelivery",
    url_name="delivery",
    summary="Status, tellingen en fouten per rij van één aanlevering",
)
def get_delivery(
    request: HttpRequest,
    aanlever_id: str = Path(..., min_length=1, max_length=100, pattern=ID_PATTERN),
    fouten_offset: int = Query(0, ge=0, le=1_000_000, description="Hoeveel fouten overslaan."),
    fouten_limit: int = Query(
        1000, ge=1, le=MAX_ROW_ERRORS, description=f"Hoeveel fouten meesturen (1-{MAX_ROW_ERRORS})."
    ),
) -> Any:
    delivery = _own_api_deliveries(request).filter(client_reference=aanlever_id).first()
    if delivery is None:
        raise Http404
    token = _token(request)
    record(
        action="signals.delivery_viewed",
        organisation=delivery.organisation,
        obj=delivery,
        details={"via": "api", "api_token": token.pk},
    )
    errors = RowError.objects.filter(delivery=delivery, repeat=False).order_by("row_number", "id")
    rows = errors.values_list("row_number", "customer_number", "field", "message")[
        fouten_offset : fouten_offset + fouten_limit
    ]
    repeats = RowError.objects.filter(delivery=delivery, repeat=True).order_by("row_number", "id")
    return {
        **_summary(delivery),
        "aantal_fouten": errors.count(),
        "fouten": [
            {"rij": number, "klantnummer": customer, "veld": field, "melding": message}
            for number, customer, field, message in rows
        ],
        "herhalingen": [
            {"rij": number, "melding": message}
            for number, message in repeats.values_list("row_number", "message")[:MAX_REPEATS]
        ],
    }
