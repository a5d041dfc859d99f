"""Where the current request came from, for audit events written deep inside services."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Origin:
    ip_address: str | None
    user_agent: str


current_origin: ContextVar[Origin | None] = ContextVar("current_origin", default=None)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind our TLS proxy (BEHIND_TLS_PROXY) REMOTE_ADDR is the proxy; the
    proxy appends the visitor's address to X-Forwarded-For, so the last entry is the one to trust."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


def origin_of(request: HttpRequest) -> Origin:
    return Origin(
        ip_address=client_ip(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


class AuditOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
