"""Why a second-factor code was refused, in words a person can act on."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.policy import membership_of
from lcv.organisations.models import Role

WRONG_CODE = gettext_lazy("Deze code klopt niet of is verlopen. Probeer de nieuwe code uit uw app.")
CODE_JUST_USED = gettext_lazy("Deze code is net al gebruikt. Wacht op de volgende code (binnen 30 seconden).")


def code_was_just_used(user: Any, code: str) -> bool:
    """True when `code` is right for one of the person's devices but was used already: TOTP accepts
    each code once (django-otp keeps the last accepted time step in `last_t`)."""
    try:
        token = int(code)
    except (TypeError, ValueError):
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(token, device.tolerance) and totp.t() <= device.last_t:
            return True
    return False


def code_refusal(user: Any, code: str) -> str:
    """The message for a code that `match_token` refused."""
    return str(CODE_JUST_USED if code_was_just_used(user, code) else WRONG_CODE)


_WHY_BY_ROLE = (
    (Role.SIGNATORY, gettext_lazy("tekent overeenkomsten namens uw organisatie")),
    (Role.CONTACT, gettext_lazy("regelt de overeenkomsten en ziet aanleveringen met persoonsgegevens")),
    (Role.DELIVERER, gettext_lazy("levert signalen met persoonsgegevens aan")),
    (Role.HANDLER, gettext_lazy("behandelt signalen met persoonsgegevens van inwoners")),
    (Role.ANALYST, gettext_lazy("bekijkt de cijfers over vroegsignalering van uw organisatie")),
    (Role.HELPDESK, gettext_lazy("beheert organisaties, mensen en overeenkomsten op het LCV-portaal")),
)


def why_second_factor(user: Any) -> str:
    """One sentence on why this person needs a second factor, from what their roles let them do."""
    membership = membership_of(user)
    roles = membership.roles if membership is not None else frozenset()
    reasons = [str(text) for role, text in _WHY_BY_ROLE if role in roles]
    if not reasons:
        return gettext("U werkt in het LCV-portaal met gegevens van organisaties en inwoners.")
    joined = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + gettext(" en ") + reasons[-1]
    return gettext("U %(what)s.") % {"what": joined}
