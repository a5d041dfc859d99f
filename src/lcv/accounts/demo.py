"""The demo second factor. Demo accounts that need a second factor share one published TOTP
secret, so a person trying the platform can log in without enrolling a phone. It is installed only
by `lcv demo`, which refuses to run outside demo mode; real accounts always enrol their own."""

from __future__ import annotations

import base64
import time

from django.conf import settings
from django_otp.oath import TOTP

DEMO_TOTP_KEY_HEX = "4c43562d706f727461616c2d64656d6f2d746f7470"  # "LCV-portaal-demo-totp"


def demo_secret_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()


def current_demo_code() -> str | None:
    if not settings.LCV_DEMO:
        return None
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX), step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"
