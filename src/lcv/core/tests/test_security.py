"""Protections every request gets: a bounded body, no caching of logged-in pages, idle sessions end."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.test.client import FakePayload
from django.urls import reverse
from django.utils import timezone

from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member

pytestmark = pytest.mark.django_db


def post_declaring(client, path: str, declared: int):
    """A post that announces `declared` bytes but carries only a few: reading it would fail."""
    return client.generic(
        "POST",
        path,
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": FakePayload(b"--x\r\n")},
    )


def test_an_anonymous_60_mb_post_to_the_verification_page_is_refused_before_it_is_read(client):
    response = post_declaring(client, reverse("verification:verify"), 60 * 1024 * 1024)
    assert response.status_code == 413
    page = response.content.decode()
    assert "groter dan 10 MB" in page
    assert "het portaal heeft het niet ontvangen" in page


def test_each_upload_has_its_own_bound(client):
    contact = member(make_organisation(), "contact", "deliverer")
    login_verified(client, contact)
    # a signal file may be up to 50 MB: 49 MB passes the bound, so the view starts reading the body
    # (which in this fake request is not really there)
    assert post_declaring(client, reverse("signals:upload"), 60 * 1024 * 1024).status_code == 413
    with pytest.raises(AssertionError, match="Cannot read more than the available bytes"):
        post_declaring(client, reverse("signals:upload"), 49 * 1024 * 1024)
    # any other form: the general bound of DATA_UPLOAD_MAX_MEMORY_SIZE
    big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    assert post_declaring(client, reverse("accounts:password_reset"), big).status_code == 413


def test_logged_in_pages_and_downloads_are_not_stored(client):
    contact = member(make_organisation(), "contact", "deliverer")
    login_verified(client, contact)
    for name in ("portal:home", "signals:deliveries"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"]
    template = client.get(reverse("signals:template_csv"))
    assert template.status_code == 200
    assert "no-store" in template["Cache-Control"]


def test_a_session_ends_after_half_an_hour_without_a_request(client):
    contact = member(make_organisation(), "contact")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_verified(client, contact)
        assert client.get(reverse("portal:home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_SECONDS - 60)
        assert client.get(reverse("portal:home")).status_code == 200  # a request keeps it alive
        traveller.shift(settings.SESSION_IDLE_SECONDS + 1)
        response = client.get(reverse("signals:deliveries"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
        assert client.get(reverse("portal:home"))["Location"].startswith(reverse("accounts:login"))
        login_page = client.get(reverse("accounts:login")).content.decode()
    assert "niet actief" in login_page
