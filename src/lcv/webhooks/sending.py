"""The sender: the worker sends due deliveries in parallel and logs every attempt.

A batch is claimed in a short transaction (on PostgreSQL `select_for_update(skip_locked=True)`;
SQLite serialises writers) by writing a fresh claim and moving the next attempt a lease ahead, and
only then sent, outside any transaction: two workers never send the same delivery, and a worker that
dies mid-batch leaves deliveries that become due again when the lease has passed. Each target is
resolved and checked again before sending and the connection goes to that checked address
(addresses.py). Retries back off exponentially (1, 2, 4 … minutes, at most 12 hours apart) within
three days of the first attempt (or of "opnieuw versturen"); then the delivery is given up.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from requests.adapters import HTTPAdapter

from lcv.webhooks import signing
from lcv.webhooks.addresses import RefusedAddress, Target, UnknownHost, resolve
from lcv.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT = (10, 10)  # seconds to connect, seconds to wait for the answer
LEASE = timedelta(minutes=5)  # longer than a batch can take (timeouts included)
BATCH = 200
THREADS = 32
MAX_ANSWER_BYTES = 64 * 1024
VERIFY: bool | str = True  # the system's CAs; a test points it at its own CA's PEM file
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=12)
GIVE_UP_AFTER = timedelta(days=3)

# what the log shows when no HTTP status came back (Dutch words, never a code)
TIMEOUT_WORD = "time-out"
REFUSED_WORD = "verbinding geweigerd"
ADDRESS_WORD = "adres geweigerd"
UNKNOWN_HOST_WORD = "server onbekend"
TLS_WORD = "certificaatfout"
CONNECTION_WORD = "verbindingsfout"


def next_attempt(*, window_start: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts, or None: given up. The last attempt
    falls at the end of the three days."""
    deadline = window_start + GIVE_UP_AFTER
    if now >= deadline:
        return None
    wait = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    return min(now + wait, deadline)


class PinnedAdapter(HTTPAdapter):
    """Connects to the checked IP address in the URL while TLS (SNI and the certificate check) uses
    the host name the partner registered."""

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, typed_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        pool_kwargs: dict[str, Any] = dict(typed_kwargs)
        server_name = getattr(request, "lcv_server_name", None)
        if host_params.get("scheme") == "https" and server_name:
            pool_kwargs["server_hostname"] = server_name
            pool_kwargs["assert_hostname"] = server_name
        return host_params, pool_kwargs


def new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the request goes to the checked address
    adapter = PinnedAdapter(pool_connections=THREADS, pool_maxsize=THREADS, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


@dataclass(frozen=True)
class Outcome:
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _error_word(error: Exception) -> str:
    if isinstance(error, requests.Timeout):
        return TIMEOUT_WORD
    if isinstance(error, requests.exceptions.SSLError):
        return TLS_WORD
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(str(part) for part in chain).lower()
    if any(isinstance(part, ConnectionRefusedError) for part in chain) or "refused" in text:
        return REFUSED_WORD
    if "timed out" in text:
        return TIMEOUT_WORD
    return CONNECTION_WORD


def _drain(response: requests.Response) -> None:
    """Read a short answer to its end, so the connection is kept for the next request; a long one
    (its content is never used) is cut off with its connection."""
    read = 0
    for chunk in response.iter_content(16_384):
        read += len(chunk)
        if read > MAX_ANSWER_BYTES:
            break
    response.close()


class Sender:
    """A thread pool with a requests.Session per thread (keep-alive to each receiver)."""

    def __init__(self, threads: int = THREADS) -> None:
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = new_session()
        return session

    def _post(self, target: Target | RefusedAddress, payload: bytes, headers: dict[str, str]) -> Outcome:
        started = time.monotonic()
        at = timezone.now()
        if isinstance(target, RefusedAddress):
            return Outcome(at, None, UNKNOWN_HOST_WORD if isinstance(target, UnknownHost) else ADDRESS_WORD, 0)
        try:
            request = requests.Request(
                "POST", target.pinned_url, data=payload, headers={**headers, "Host": target.host_header}
            )
            prepared = self._session().prepare_request(request)
            prepared.lcv_server_name = target.host  # type: ignore[attr-defined]
            response = self._session().send(
                prepared, timeout=TIMEOUT, allow_redirects=False, stream=True, verify=VERIFY
            )
            _drain(response)
            status, error = response.status_code, ""
        except requests.RequestException as exc:
            status, error = None, _error_word(exc)
        return Outcome(at, status, error, int((time.monotonic() - started) * 1000))

    def send(self, jobs: list[tuple[Target | RefusedAddress, bytes, dict[str, str]]]) -> list[Outcome]:
        return list(self._pool.map(lambda job: self._post(*job), jobs))


def claim(*, now: datetime, size: int = BATCH) -> list[WebhookDelivery]:
    """Take up to `size` due deliveries for this sender alone."""
    token = uuid.uuid4()
    with transaction.atomic():
        due = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DeliveryStatus.WAITING, next_attempt_at__lte=now, endpoint__active=True)
            .order_by("next_attempt_at", "id")
        )
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        # the condition again: on SQLite another sender may have read the same rows and written first
        WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.WAITING, next_attempt_at__lte=now).update(
            claim=token, next_attempt_at=now + LEASE
        )
    return list(
        WebhookDelivery.objects.filter(claim=token).select_related(
            "endpoint",
            "message__signal",
            "message__delivery",
            "message__municipal_party",
            "message__corrects",
        )
    )


def _targets(deliveries: Iterable[WebhookDelivery]) -> dict[int, Target | RefusedAddress]:
    targets: dict[int, Target | RefusedAddress] = {}
    for delivery in deliveries:
        if delivery.endpoint_id not in targets:
            try:
                targets[delivery.endpoint_id] = resolve(delivery.endpoint.url)
            except RefusedAddress as refused:
                targets[delivery.endpoint_id] = refused
    return targets


def _record(deliveries: list[WebhookDelivery], outcomes: list[Outcome]) -> None:
    WebhookAttempt.objects.bulk_create(
        WebhookAttempt(
            delivery=delivery,
            at=outcome.at,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        for delivery, outcome in zip(deliveries, outcomes, strict=True)
    )
    now = timezone.now()
    with transaction.atomic():
        # only those still ours: "opnieuw versturen" during the attempt released the claim, and
        # its state (due now, three new days) stands
        ours = set(
            WebhookDelivery.objects.select_for_update()
            .filter(pk__in=[delivery.pk for delivery in deliveries], claim=deliveries[0].claim)
            .values_list("pk", flat=True)
        )
        _advance([(d, o) for d, o in zip(deliveries, outcomes, strict=True) if d.pk in ours], now)
        replayed = [delivery.pk for delivery in deliveries if delivery.pk not in ours]
        if replayed:
            WebhookDelivery.objects.filter(pk__in=replayed).update(attempts=F("attempts") + 1)


def _advance(pairs: list[tuple[WebhookDelivery, Outcome]], now: datetime) -> None:
    for delivery, outcome in pairs:
        delivery.attempts += 1
        delivery.claim = None
        if outcome.succeeded:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
            continue
        delivery.next_attempt_at = next_attempt(window_start=delivery.window_start, attempts=delivery.attempts, now=now)
        if delivery.next_attempt_at is None:
            delivery.status = DeliveryStatus.GIVEN_UP
    WebhookDelivery.objects.bulk_update(
        [delivery for delivery, _outcome in pairs],
        ["attempts", "claim", "status", "delivered_at", "next_attempt_at"],
        batch_size=500,
    )


def send_batch(sender: Sender, deliveries: list[WebhookDelivery]) -> int:
    targets = _targets(deliveries)
    jobs = []
    for delivery in deliveries:
        payload = signing.body(delivery.message)
        headers = signing.headers(
            secret=delivery.endpoint.secret, message=delivery.message, payload=payload, at=timezone.now()
        )
        jobs.append((targets[delivery.endpoint_id], payload, headers))
    _record(deliveries, sender.send(jobs))
    return len(deliveries)


@dataclass(frozen=True)
class Run:
    sent: int
    more: bool  # stopped at the time limit with deliveries still due


def send_due(*, seconds: float = 50.0, batch: int = BATCH, threads: int = THREADS) -> Run:
    """Send what is due, batch after batch, for at most about `seconds`."""
    started = time.monotonic()
    sender = Sender(threads)
    sent = 0
    try:
        while True:
            deliveries = claim(now=timezone.now(), size=batch)
            if not deliveries:
                return Run(sent, more=False)
            sent += send_batch(sender, deliveries)
            if time.monotonic() - started > seconds:
                return Run(sent, more=True)
    finally:
        sender.close()
