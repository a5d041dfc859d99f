from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts import services
from lcv.accounts.forms import LoginForm, PasswordResetRequestForm, SetPasswordForm, TokenForm
from lcv.accounts.models import User
from lcv.accounts.second_factor import code_refusal, why_second_factor
from lcv.accounts.tokens import PurposeTokenGenerator, TokenState, invitation_tokens, reset_tokens
from lcv.audit.services import record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_reset(email=form.cleaned_data["email"])
        except services.TooManyResetRequests:
            return render(request, "accounts/password_reset_throttled.html", status=429)
        return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset_request.html", {"form": form})


_SESSION_KEY = "_lcv_link_token"
_LINKS: dict[str, tuple[PurposeTokenGenerator, str]] = {
    "invitation": (invitation_tokens, "accounts:invitation"),
    "reset": (reset_tokens, "accounts:reset"),
}


def _user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


def _link_view(request: HttpRequest, uidb64: str, token: str, purpose: str) -> HttpResponse:
    """Set a password from an e-mailed link. The token is moved into the session and the URL
    replaced, so it cannot leak through the Referer header (as Django's own reset view does)."""
    generator, url_name = _LINKS[purpose]
    user = _user_from_uid(uidb64)
    if token != "instellen":
        state = generator.state(user, token) if user else TokenState.INVALID
        if state is not TokenState.VALID:
            return render(request, "accounts/link_invalid.html", {"state": state.value, "purpose": purpose}, status=410)
        request.session[_SESSION_KEY] = token
        return redirect(reverse(url_name, kwargs={"uidb64": uidb64, "token": "instellen"}))
    session_token = request.session.get(_SESSION_KEY, "")
    state = generator.state(user, session_token) if user else TokenState.INVALID
    if user is None or state is not TokenState.VALID:
        return render(request, "accounts/link_invalid.html", {"state": state.value, "purpose": purpose}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password_from_link(user=user, password=form.cleaned_data["new_password1"], purpose=purpose)
        del request.session[_SESSION_KEY]
        messages.success(request, _("Uw wachtwoord is ingesteld. U kunt nu inloggen."))
        return redirect("accounts:login")
    return render(request, "accounts/set_password.html", {"form": form, "purpose": purpose, "person": user})


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _link_view(request, uidb64, token, "invitation")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _link_view(request, uidb64, token, "reset")


def safe_next(request: HttpRequest) -> str:
    """The `next` address, only when it is a path on this site ("/…", not "//host" or "https://…")."""
    wanted = request.GET.get("next", "")
    if (
        wanted.startswith("/")
        and not wanted.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    ):
        return wanted
    return ""


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    """Where the person was going before the second factor (a link in an e-mail, the sign page)."""
    return redirect(safe_next(request) or "portal:home")


THROTTLED = gettext_lazy("Te veel pogingen achter elkaar. Wacht een halve minuut en probeer de nieuwe code.")
WRONG_ENROL_CODE = gettext_lazy("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de nieuwe code.")


def _qr_data_uri(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(reverse("accounts:totp_verify") + (f"?{request.META['QUERY_STRING']}" if request.GET else ""))
    device = services.start_totp_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", THROTTLED)
        elif device.verify_token(form.cleaned_data["code"]):
            services.confirm_totp_enrolment(user=user, device=device)
            otp_login(request, device)
            messages.success(request, _("Uw tweede factor is ingesteld."))
            return _after_second_factor(request)
        else:
            form.add_error("code", WRONG_ENROL_CODE)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": secret,
        "why": why_second_factor(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = [d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if not d.verify_is_allowed()[0]]
        device = None if throttled else match_token(user, form.cleaned_data["code"])
        if throttled:
            form.add_error("code", THROTTLED)
        elif device is not None:
            otp_login(request, device)
            record(action="account.second_factor_passed", actor=user, obj=user)  # type: ignore[arg-type]
            return _after_second_factor(request)
        else:
            record(action="account.second_factor_failed", actor=user, obj=user)  # type: ignore[arg-type]
            form.add_error("code", code_refusal(user, form.cleaned_data["code"]))
    return render(request, "accounts/totp_verify.html", {"form": form})
