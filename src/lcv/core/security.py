"""Request-level protections that every view gets: a bound on the request body before it is read,
no caching of logged-in pages, and sessions that end when idle."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., Any])

# Multipart framing around a file: boundaries, headers and the other form fields.
MULTIPART_MARGIN = 64 * 1024


def body_limit(max_bytes: int) -> Callable[[View], View]:
    """Declare the largest request body a view accepts; BodyLimitMiddleware refuses a bigger one
    from its Content-Length, before a byte of it is read."""

    def decorate(view: View) -> View:
        view.max_body_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return decorate


class BodyLimitMiddleware:
    """Refuse a body larger than its view accepts (default DATA_UPLOAD_MAX_MEMORY_SIZE) with 413,
    without reading it. Without this an anonymous 60 MB post to /verificatie/ was received whole
    before the form said it was too big. Placed before the CSRF check, which reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = getattr(view, "max_body_bytes", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if length <= limit + MULTIPART_MARGIN:
            return None
        megabytes = max(1, limit // (1024 * 1024))
        referer = request.headers.get("Referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
        context = {"megabytes": megabytes, "back": back}
        response = render(request, "core/too_large.html", context, status=413)
        response["Connection"] = "close"  # do not wait for the rest of the body
        return response


class NoStoreMiddleware:
    """Pages for a logged-in person and every download may hold personal data: no browser or proxy
    keeps a copy (Cache-Control: no-store)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


_LAST_SEEN = "_lcv_last_seen"


class IdleSessionMiddleware:
    """A session ends after SESSION_IDLE_SECONDS without a request (and at the latest after
    SESSION_COOKIE_AGE). Requests that poll on their own (the progress of a delivery, marked with
    the HX-Trigger header of htmx's `every`) do not count as activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                login = reverse("accounts:login")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login
                    return response
                messages.info(request, _("U was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in."))
                wanted = "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(login + wanted)
            if not request.headers.get("HX-Request"):
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
