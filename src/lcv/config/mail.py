"""EMAIL_URL → Django 6.1 MAILERS."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEVMAIL_BACKEND = "lcv.notifications.backends.DevMailBackend"


def mailers_from_url(url: str) -> dict[str, dict[str, Any]]:
    """Translate one EMAIL_URL into the MAILERS setting.

    Supported: ``devmail:`` (stored in the database, shown at /dev/mail/), ``console:``,
    ``locmem:``, ``smtp://user:pass@host:port`` and ``smtp+tls://…`` / ``smtp+ssl://…``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "devmail":
        return {"default": {"BACKEND": DEVMAIL_BACKEND}}
    if scheme == "console":
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    if scheme == "locmem":
        return {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        options: dict[str, Any] = {"host": parts.hostname or "localhost", "timeout": 10}
        if parts.port:
            options["port"] = parts.port
        if parts.username:
            options["username"] = unquote(parts.username)
            options["password"] = unquote(parts.password or "")
        options["use_tls"] = scheme == "smtp+tls"
        options["use_ssl"] = scheme == "smtp+ssl"
        query = parse_qs(parts.query)
        if "timeout" in query:
            options["timeout"] = int(query["timeout"][0])
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}
    raise ValueError(f"EMAIL_URL has an unknown scheme: {scheme!r}")
