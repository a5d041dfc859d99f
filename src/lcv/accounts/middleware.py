"""Roles that see personal data must pass the second factor before any other page (DOMAIN.md §4)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lcv.accounts.selectors import has_confirmed_totp, needs_second_factor

_OPEN_PREFIXES = ("/static/", "/dev/mail/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not getattr(user, "is_verified", lambda: False)()  # set by django_otp's OTPMiddleware
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in self._second_factor_paths()
            and needs_second_factor(user)
        ):
            target = reverse("accounts:totp_verify" if has_confirmed_totp(user) else "accounts:totp_enrol")
            wanted = request.get_full_path()
            if request.method == "GET" and wanted != reverse("portal:home"):  # e.g. the link in an e-mail
                target += "?" + urlencode({"next": wanted})
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _second_factor_paths() -> set[str]:
        return {reverse("accounts:totp_verify"), reverse("accounts:totp_enrol"), reverse("accounts:logout")}
