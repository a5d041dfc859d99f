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
    settings.LCV_SEAL_PKCS12 = str(_seal_certificate)
    settings.LCV_SEAL_PASSWORD = "test-only"
