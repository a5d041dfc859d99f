"""Client for Haal Centraal *BRP Personen Bevragen* v2 (`POST /personen`), R17.

Every request is recorded as a `BrpQuery` (no personal data) and logged with its type, status and
duration only. Failures raise one of `lcv.brp.errors`: `BrpUnavailable` (retry later),
`BrpRefused` (do not retry), `BrpMalformed` (the answer is not as the spec says).
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from django.conf import settings

from lcv.brp.errors import BrpError, BrpMalformed, BrpRefused, BrpUnavailable
from lcv.brp.models import BrpQuery
from lcv.brp.records import Resident, parse_answer
from lcv.brp.services import QueryContext, record_query

logger = logging.getLogger("lcv.brp")

ADDRESS_SEARCH = "ZoekMetPostcodeEnHuisnummer"
NAME_SEARCH = "ZoekMetGeslachtsnaamEnGeboortedatum"
BSN_LOOKUP = "RaadpleegMetBurgerservicenummer"

# What the check needs and nothing more (R17). The searches answer `PersoonBeperkt`, which has no
# naming use, partners or municipality; those come from the BSN lookup, asked only when needed.
SEARCH_FIELDS = ("burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte.datum")
LOOKUP_FIELDS = (
    *SEARCH_FIELDS,
    "naam.aanduidingNaamgebruik",
    "partners.naam.voorvoegsel",
    "partners.naam.geslachtsnaam",
    "gemeenteVanInschrijving",
)
MAX_BSNS_PER_LOOKUP = 20  # the spec's maxItems
MAX_ANSWER_BYTES = 5 * 1024 * 1024
CONTENT_TYPE = "application/json; charset=utf-8"

Recorder = Callable[..., Any]


def _clean_text(value: str) -> str:
    """Typographic apostrophes as the spec's plain one; outer spaces off."""
    return value.replace("\u2019", "'").replace("\u2018", "'").strip()


def address_query(
    *, postcode: str, house_number: int, house_letter: str = "", addition: str = "", municipality_code: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": ADDRESS_SEARCH,
        "fields": list(SEARCH_FIELDS),
        "postcode": postcode.replace(" ", "").upper(),
        "huisnummer": house_number,
    }
    if house_letter.strip():
        body["huisletter"] = house_letter.strip()
    if addition.strip():
        body["huisnummertoevoeging"] = addition.strip()
    if municipality_code:
        body["gemeenteVanInschrijving"] = municipality_code
    return body


def name_birth_date_query(*, surname: str, birth_date: datetime.date, prefix: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": NAME_SEARCH,
        "fields": list(SEARCH_FIELDS),
        "geslachtsnaam": _clean_text(surname),
        "geboortedatum": birth_date.isoformat(),
    }
    if prefix.strip():
        body["voorvoegsel"] = _clean_text(prefix)
    return body


def bsn_query(*, bsns: Sequence[str]) -> dict[str, Any]:
    return {"type": BSN_LOOKUP, "fields": list(LOOKUP_FIELDS), "burgerservicenummer": list(bsns)}


def split_addition(addition: str) -> tuple[str, str]:
    """A signal has one "toevoeging"; the BRP has a house letter and an addition. A single letter
    is a house letter ("12 B"), anything else an addition ("5 bis", "40-2")."""
    value = addition.strip()
    if len(value) == 1 and value.isalpha():
        return value, ""
    return "", value


class BrpClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str = "",
        api_key_header: str = "X-API-KEY",
        cert: tuple[str, str] | None = None,
        ca_bundle: str = "",
        timeout: float = 5.0,
        recorder: Recorder = record_query,
    ):
        self.url = base_url.rstrip("/") + "/personen"
        self.headers = {"Content-Type": CONTENT_TYPE, "Accept": "application/json"}
        if api_key:
            self.headers[api_key_header] = api_key
        self.cert = cert
        self.verify: str | bool = ca_bundle or True
        self.timeout = timeout
        self.recorder = recorder
        self._local = threading.local()  # one keep-alive session per thread

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    # -- the questions -------------------------------------------------------------------------

    def search_address(
        self,
        *,
        postcode: str,
        house_number: int,
        house_letter: str = "",
        addition: str = "",
        municipality_code: str = "",
        context: QueryContext,
    ) -> list[Resident]:
        """Everyone registered at the address (`ZoekMetPostcodeEnHuisnummer`)."""
        body = address_query(
            postcode=postcode,
            house_number=house_number,
            house_letter=house_letter,
            addition=addition,
            municipality_code=municipality_code,
        )
        return self.ask(body, context=context)

    def search_name_birth_date(
        self, *, surname: str, birth_date: datetime.date, prefix: str = "", context: QueryContext
    ) -> list[Resident]:
        """Everyone with this surname and birth date anywhere (`ZoekMetGeslachtsnaamEnGeboortedatum`):
        tells that a person lives elsewhere."""
        return self.ask(name_birth_date_query(surname=surname, birth_date=birth_date, prefix=prefix), context=context)

    def lookup(self, *, bsns: Sequence[str], context: QueryContext) -> list[Resident]:
        """The same persons with naming use, partners' names and municipality of registration
        (`RaadpleegMetBurgerservicenummer`), at most 20 per request."""
        found: list[Resident] = []
        unique = list(dict.fromkeys(bsns))
        for start in range(0, len(unique), MAX_BSNS_PER_LOOKUP):
            found += self.ask(bsn_query(bsns=unique[start : start + MAX_BSNS_PER_LOOKUP]), context=context)
        return found

    # -- the exchange --------------------------------------------------------------------------

    def ask(self, body: dict[str, Any], *, context: QueryContext) -> list[Resident]:
        """Send one query, record it, and return the persons or raise a BrpError."""
        started = time.monotonic()
        status: int | None = None
        count: int | None = None
        outcome = BrpQuery.Outcome.UNAVAILABLE
        try:
            status, payload = self._post(body)
            residents = parse_answer(payload, body["type"])
            count, outcome = len(residents), BrpQuery.Outcome.ANSWERED
            return residents
        except BrpRefused:
            outcome = BrpQuery.Outcome.REFUSED
            raise
        except BrpMalformed:
            outcome = BrpQuery.Outcome.MALFORMED
            raise
        finally:
            duration = round((time.monotonic() - started) * 1000)
            if status is None:
                status = getattr(self._local, "status", None)
            level = logging.DEBUG if outcome == BrpQuery.Outcome.ANSWERED else logging.WARNING
            logger.log(level, "BRP %s: %s, HTTP %s, %d ms", body["type"], outcome, status, duration)
            self.recorder(
                context=context,
                query_type=body["type"],
                fields=body["fields"],
                http_status=status,
                outcome=outcome,
                result_count=count,
                duration_ms=duration,
            )

    def _post(self, body: dict[str, Any]) -> tuple[int, Any]:
        self._local.status = None
        try:
            response = self._session().post(
                self.url,
                data=json.dumps(body).encode(),
                headers=self.headers,
                cert=self.cert,
                verify=self.verify,
                timeout=self.timeout,
                stream=True,
            )
        except requests.Timeout:
            raise BrpUnavailable(f"BRP did not answer within {self.timeout} s") from None
        except requests.RequestException as exc:
            raise BrpUnavailable(f"BRP not reachable ({type(exc).__name__})") from None
        with response:
            self._local.status = response.status_code
            content = _read(response, self.timeout)
        if response.status_code != 200:
            raise _failure(response.status_code, content)
        if "json" not in response.headers.get("Content-Type", ""):
            raise BrpMalformed("BRP answer is not JSON")
        try:
            return response.status_code, json.loads(content)
        except ValueError:
            raise BrpMalformed("BRP answer is not valid JSON") from None


def _read(response: requests.Response, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise BrpMalformed("BRP answer is larger than we accept")
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise BrpUnavailable(f"BRP answer broke off ({type(exc).__name__})") from None
    return b"".join(chunks)


def _problem(content: bytes) -> dict[str, Any]:
    try:
        problem = json.loads(content)
    except ValueError:
        return {}
    return problem if isinstance(problem, dict) else {}


def _short(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _failure(status: int, content: bytes) -> BrpError:
    """An error answer as an exception: its title, code and the names (not values) of the refused
    parameters from the problem details. 5xx and 429 are worth retrying."""
    problem = _problem(content)
    code = _short(problem.get("code"), 25)
    if status >= 500 or status == 429:
        return BrpUnavailable(f"BRP answered HTTP {status}" + (f", code {code}" if code else ""))
    params = problem.get("invalidParams")
    names = (
        tuple(_short(item.get("name"), 30) for item in params if isinstance(item, dict))
        if isinstance(params, list)
        else ()
    )
    return BrpRefused(status=status, title=_short(problem.get("title"), 80), code=code, invalid_params=names)


def client_from_settings(*, recorder: Recorder = record_query) -> BrpClient | None:
    """The configured BRP client, or None when no BRP is configured (BRP_BASE_URL empty)."""
    if not settings.BRP_BASE_URL:
        return None
    cert = (settings.BRP_CLIENT_CERT, settings.BRP_CLIENT_KEY) if settings.BRP_CLIENT_CERT else None
    return BrpClient(
        settings.BRP_BASE_URL,
        api_key=settings.BRP_API_KEY,
        api_key_header=settings.BRP_API_KEY_HEADER,
        cert=cert,
        ca_bundle=settings.BRP_CA_BUNDLE,
        timeout=settings.BRP_TIMEOUT_SECONDS,
        recorder=recorder,
    )
