"""django-axes reads the login name through this, case-insensitively, whichever way it arrives
(the login form posts `username`; authenticate() receives the user model's `email`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def login_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    name = None
    if credentials:
        name = credentials.get("email") or credentials.get("username")
    if not name:
        name = request.POST.get("username")
    return name.strip().lower() if name else None
