"""The BRP test service: the same API as Haal Centraal *BRP Personen Bevragen* v2 (`POST /personen`,
the spec's request and answer shapes and its problem-details errors), answered from a list of
residents. A separate HTTP server, so the client code the platform runs is the production code.

Supported query types: postcode and house number, surname and birth date, and BSN. Requests are
validated against the published spec (400 with `invalidParams`), the API key is checked (401),
`fields` is applied (and an unknown field is a 400), other paths answer 404.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lcv.brp import spec
from lcv.brp.demo_residents import DEMO_RESIDENTS, DemoResident
from lcv.brp.persons import persoon, select

logger = logging.getLogger("lcv.brp.testservice")

MAX_BODY_BYTES = 64 * 1024
SUPPORTED = frozenset(
    {"ZoekMetPostcodeEnHuisnummer", "ZoekMetGeslachtsnaamEnGeboortedatum", "RaadpleegMetBurgerservicenummer"}
)
PARAMS_TITLE = "Een of meerdere parameters zijn niet correct."


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def content_type(self) -> str:
        return "application/json; charset=utf-8" if self.status == 200 else "application/problem+json"


INSTANCE = "http://127.0.0.1/personen"  # the spec wants a full URI; the server sets its own


def problem(status: int, title: str, code: str, instance: str = INSTANCE, **extra: Any) -> Answer:
    body = {"type": f"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.{status // 100}", "title": title}
    return Answer(status, body | {"status": status, "instance": instance, "code": code} | extra)


def invalid(params: list[dict[str, str]]) -> Answer:
    return problem(400, PARAMS_TITLE, "paramsValidation", invalidParams=params)


def _param(name: str, code: str, reason: str) -> dict[str, str]:
    return {
        "type": "https://www.vng.nl/realisatie/api/validaties/" + code,
        "name": name,
        "code": code,
        "reason": reason,
    }


def _text_key(value: str) -> str:
    """Searching text is case-insensitive (spec)."""
    return unicodedata.normalize("NFC", value).casefold().strip()


def _matches(pattern: str, value: str) -> bool:
    """A filter with an optional trailing wildcard (`Jans*`)."""
    wanted, actual = _text_key(pattern), _text_key(value)
    return actual.startswith(wanted[:-1]) if wanted.endswith("*") else actual == wanted


class Residents:
    """The residents, indexed for the three searches."""

    def __init__(self, residents: Iterable[DemoResident]):
        self.by_bsn: dict[str, DemoResident] = {}
        self.by_address: dict[tuple[str, int], list[DemoResident]] = defaultdict(list)
        self.by_birth_date: dict[str, list[DemoResident]] = defaultdict(list)
        for resident in residents:
            self.by_bsn[resident.bsn] = resident
            self.by_address[(resident.postcode.upper(), resident.house_number)].append(resident)
            self.by_birth_date[resident.birth_date].append(resident)

    def find(self, query: dict[str, Any]) -> list[DemoResident]:
        kind = query["type"]
        if kind == "RaadpleegMetBurgerservicenummer":
            found = [self.by_bsn[bsn] for bsn in dict.fromkeys(query["burgerservicenummer"]) if bsn in self.by_bsn]
        elif kind == "ZoekMetPostcodeEnHuisnummer":
            postcode = query["postcode"].replace(" ", "").upper()
            found = [r for r in self.by_address.get((postcode, query["huisnummer"]), []) if _address_fits(query, r)]
        else:
            found = [r for r in self.by_birth_date.get(query["geboortedatum"], []) if _name_fits(query, r)]
        municipality = query.get("gemeenteVanInschrijving")
        return [r for r in found if not municipality or r.municipality_code == municipality]


def _address_fits(query: dict[str, Any], resident: DemoResident) -> bool:
    checks = (
        ("huisletter", resident.house_letter),
        ("huisnummertoevoeging", resident.addition),
        ("geslachtsnaam", resident.surname),
    )
    return all(key not in query or _matches(query[key], value) for key, value in checks) and (
        "geboortedatum" not in query or query["geboortedatum"] == resident.birth_date
    )


def _name_fits(query: dict[str, Any], resident: DemoResident) -> bool:
    checks = (
        ("geslachtsnaam", resident.surname),
        ("voorvoegsel", resident.prefix),
        ("voornamen", resident.given_names),
    )
    return all(key not in query or _matches(query[key], value) for key, value in checks)


def _schema_errors(query: dict[str, Any]) -> list[dict[str, str]]:
    """invalidParams for a body that breaks the spec: wrong values first, then unknown names."""
    params = []
    for error in spec.validator(query["type"]).iter_errors(query):
        kind = type(error.kind).__name__
        path = [str(part) for part in error.instance_path if not isinstance(part, int)]
        if kind == "Required":
            params.append(_param(str(error.kind.property), "required", "Parameter is verplicht."))
            continue
        name = ".".join(path) or "body"
        code = {"Pattern": "pattern", "Format": "date", "MinItems": "array", "MaxItems": "array"}.get(kind, "value")
        if kind == "Type":
            code = "integer" if query.get(name) is not None and "integer" in error.message else "value"
        params.append(_param(name, code, "Waarde voldoet niet aan de eisen."))
    if params:
        return params
    for error in spec.request_validator(query["type"]).iter_errors(query):
        if type(error.kind).__name__ == "UnevaluatedProperties":
            params += [
                _param(str(name), "unknownParam", "Parameter is niet verwacht.") for name in error.kind.unexpected
            ]
    return params


def _field_errors(query: dict[str, Any]) -> list[dict[str, str]]:
    allowed = spec.field_paths(query["type"])
    if all(path in allowed for path in query["fields"]):
        return []
    return [_param("fields", "fields", "Parameter bevat een niet bestaande veldnaam.")]


class Service:
    """Answers one request: the pure part of the test service, also usable without a socket."""

    def __init__(self, residents: Iterable[DemoResident], *, api_key: str, api_key_header: str = "X-API-KEY"):
        self.residents = Residents(residents)
        self.api_key = api_key
        self.api_key_header = api_key_header
        self.instance = INSTANCE

    def answer(self, *, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        found = self._answer(method=method, path=path, headers=headers, body=body)
        if found.status != 200:
            found.body["instance"] = self.instance
        return found

    def _answer(self, *, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if path.split("?")[0].rstrip("/") != "/personen":
            return problem(404, "Opgevraagde resource bestaat niet.", "notFound")
        if method != "POST":
            return problem(405, "Gebruikte bevragingsmethode is niet toegestaan.", "methodNotAllowed")
        key = headers.get(self.api_key_header.lower(), "")
        if not key or not hmac.compare_digest(key.encode(), self.api_key.encode()):
            return problem(401, "Niet correct geauthenticeerd.", "authentication")
        accept = headers.get("accept", "*/*")
        if "json" not in accept and "*/*" not in accept:
            return problem(406, "Gevraagde contenttype wordt niet ondersteund.", "notAcceptable")
        if not headers.get("content-type", "").startswith("application/json"):
            return problem(415, "Unsupported Media Type", "unsupported")
        try:
            query = json.loads(body)
        except ValueError:
            return invalid([_param("body", "value", "Body is geen geldige JSON.")])
        return self.search(query)

    def search(self, query: Any) -> Answer:
        if not isinstance(query, dict) or not isinstance(query.get("type"), str):
            return invalid([_param("type", "required", "Parameter is verplicht.")])
        if query["type"] not in spec.PERSON_SCHEMA:
            return invalid([_param("type", "value", "Waarde is geen bekend zoektype.")])
        if query["type"] not in SUPPORTED:
            return invalid([_param("type", "value", "Zoektype wordt door de testdienst niet ondersteund.")])
        errors = _schema_errors(query) or _field_errors(query)
        if errors:
            return invalid(errors)
        found = self.residents.find(query)
        return Answer(200, {"type": query["type"], "personen": [select(persoon(r), query["fields"]) for r in found]})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client reuses its connection
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: _Server

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(invalid([_param("body", "value", "Body is te groot.")]))
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._send(self.server.service.answer(method=self.command, path=self.path, headers=headers, body=body))

    def _send(self, answer: Answer) -> None:
        payload = json.dumps(answer.body, ensure_ascii=False).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _handle

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("test service: %s", format % args)  # request lines only: no bodies, no personal data


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], service: Service):
        self.service = service
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        service.instance = f"http://{host!s}:{port}/personen"


@dataclass
class RunningTestService:
    base_url: str
    server: _Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningTestService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    residents: Iterable[DemoResident] = DEMO_RESIDENTS,
    api_key: str,
    api_key_header: str = "X-API-KEY",
) -> _Server:
    return _Server((host, port), Service(residents, api_key=api_key, api_key_header=api_key_header))


def start_test_service(
    *,
    port: int = 0,
    residents: Iterable[DemoResident] = DEMO_RESIDENTS,
    api_key: str,
    api_key_header: str = "X-API-KEY",
) -> RunningTestService:
    """Serve the test service in a background thread on 127.0.0.1 (port 0: a free port) and
    return its base URL and a stop(); also a context manager."""
    server = make_server(port=port, residents=residents, api_key=api_key, api_key_header=api_key_header)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="brp-testservice")
    thread.start()
    return RunningTestService(f"http://127.0.0.1:{server.server_address[1]}", server, thread)
