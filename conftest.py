"""Fixtures shared by all tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is what production uses (settings.PASSWORD_HASHERS); tests that check it set it back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _seal_certificate(tmp_path_factory):
    from lcv.agreements.seal_certificate import create_self_signed_pkcs12

    path = tmp_path_factory.mktemp("seal") / "test-seal.p12"
    create_self_signed_pkcs12(path, password=b"test-only", common_name="LCV-portaal (test)")
    return path


@pytest.fixture(autouse=True)
def _seal_settings(settings, _seal_certificate):
    # a certificate made at test time; no private key is ever committed
    from lcv.agreements.documents import enable_sealing

    settings.LCV_SEAL_PKCS12 = str(_seal_certificate)
    settings.LCV_SEAL_PASSWORD = "test-only"
    settings.LCV_SEAL_CERTIFICATE = ""
    enable_sealing()  # the suite runs tasks in its own process, as the worker would


@pytest.fixture
def reset_password_of(settings, django_capture_on_commit_callbacks):
    """Ask for a reset link as the form does, and let the worker's task send it right away."""
    from lcv.accounts.services import request_password_reset

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    def request(email: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            request_password_reset(email=email)

    return request


@pytest.fixture(autouse=True)
def _no_brp_unless_asked(settings):
    # demo mode points the BRP client at the local test service of `lcv serve`; a test must not
    # reach one that happens to run. Tests of the BRP check start their own (lcv.brp.testservice).
    settings.BRP_BASE_URL = ""


@pytest.fixture
def webhook_loopback(settings):
    """Webhooks to a receiver on this machine: http and the loopback address (never in production)."""
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = True
