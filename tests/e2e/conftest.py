"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every page the browser loads is checked with axe-core against WCAG 2.1 A and AA. Tests move
through the site only with the `Site` helper (`visit`, `click`), which runs axe after each page
load; a listener counts the page loads, and a page that loaded without being checked fails the
test as well, so no page slips through.

The live server runs in a thread of this process, so changes made with the `settings` fixture
reach it. Its database is transactional and flushed after each test (which also removes the
municipalities loaded by a migration; the factories load them again when needed).
"""

from __future__ import annotations

import base64
import email
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from playwright.sync_api import Locator, Page, Response

from lcv.testing.browser import next_device_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
TIMEOUT_MS = 15_000


# Playwright's sync API keeps an event loop running in the test thread, so Django would refuse
# the test code's own (synchronous, safe) ORM calls: factories, assertions, the flush after each
# test. DJANGO_ALLOW_ASYNC_UNSAFE allows them. It is set for each browser test only, from its setup
# to the end of its teardown: pytest-django runs tests without a database after these, and a
# value left behind would leak into their subprocesses (`manage.py check --deploy` refuses it).
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_previous_async_unsafe = pytest.StashKey[str | None]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_previous_async_unsafe] = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        previous = item.stash.get(_previous_async_unsafe, None)
        if previous is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a browser downloaded by `playwright install`."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """The live server; this also replaces pytest-playwright's own `base_url` fixture (a
    `--base-url` option we do not use, defined in a way pytest deprecates)."""
    return str(live_server.url)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    target: {', '.join(str(t) for t in node['target'])}")
            lines.append(f"    html:   {node['html']}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
            lines.append(f"    why:    {summary}")
    return "\n".join(lines)


class Site:
    """The browser on the live server. Every navigation goes through `visit` or `click`, and
    each ends with an axe-core check of the page that loaded."""

    def __init__(self, page: Page, base_url: str, axe: Axe) -> None:
        self.page = page
        self.base_url = base_url
        self.axe = axe
        self.loaded: list[str] = []  # every document the browser loaded, in order
        self.checked = 0  # how many of them have been checked
        page.set_default_timeout(TIMEOUT_MS)
        page.on("load", lambda loaded_page: self.loaded.append(loaded_page.url))

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def visit(self, path: str) -> Response:
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None, f"no response for {path}"
        self.check_accessibility()
        return response

    def click(self, target: Locator) -> Response:
        """Click something that loads a new page (a link, a submit button); check that page."""
        with self.page.expect_navigation(wait_until="load") as navigation:
            target.click()
        response = navigation.value
        assert response is not None, "the click loaded no page"
        self.check_accessibility()
        return response

    def check_accessibility(self) -> None:
        unchecked = self.loaded[self.checked : -1]
        self.checked = len(self.loaded)
        assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"
        assert self.loaded, "no page has loaded yet"
        url = self.page.url
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations:
            pytest.fail(format_violations(url, violations), pytrace=False)

    def assert_all_pages_checked(self) -> None:
        unchecked = self.loaded[self.checked :]
        assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"

    # --- the steps most tests share ---------------------------------------------------------

    def log_in(self, email_address: str, password: str, *, second_factor: bool = True) -> Response:
        """Log in with the form. Every account needs a second factor: with `second_factor` the
        helper then enrols an authenticator (reading the secret the page shows) or enters the
        code of the person's device, as the person would. Tests of the second-factor pages
        themselves pass `second_factor=False` and take those steps on their own."""
        self.visit("/account/inloggen/")
        response = self.submit_login(email_address, password)
        return (self.second_factor(email_address) or response) if second_factor else response

    def second_factor(self, email_address: str) -> Response | None:
        """After the password: enrol an authenticator or enter the device's code, whichever the
        portal asks (every account has a second factor)."""
        response = None
        if self.path().startswith("/account/tweede-factor/instellen/"):
            secret = self.page.get_by_test_id("totp-secret").inner_text().strip()
            self.page.get_by_label("Code uit uw authenticator-app").fill(current_totp_code(secret))
            return self.click(self.page.get_by_role("button", name="Bevestigen"))
        if self.path().startswith("/account/tweede-factor/"):
            return self.pass_second_factor(next_device_code(email_address))
        return response

    def submit_login(self, email_address: str, password: str) -> Response:
        form = self.page.locator("main form")
        form.get_by_label("E-mailadres").fill(email_address)
        form.get_by_label("Wachtwoord").fill(password)
        return self.click(form.get_by_role("button", name="Inloggen"))

    def log_out(self) -> Response:
        return self.click(self.page.get_by_role("banner").get_by_role("button", name="Uitloggen"))

    def set_password(self, password: str, repeat: str | None = None) -> Response:
        self.page.get_by_label("Nieuw wachtwoord", exact=True).fill(password)
        self.page.get_by_label("Herhaal het nieuwe wachtwoord").fill(password if repeat is None else repeat)
        return self.click(self.page.get_by_role("button", name="Wachtwoord opslaan"))

    def pass_second_factor(self, code: str) -> Response:
        """On the second-factor page (after the password): enter the code from the app."""
        self.page.get_by_label("Code uit uw authenticator-app").fill(code)
        return self.click(self.page.get_by_role("main").get_by_role("button", name="Inloggen"))

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)


@pytest.fixture
def site(page: Page, base_url: str, axe: Axe) -> Iterator[Site]:
    browser_site = Site(page, base_url, axe)
    yield browser_site
    browser_site.assert_all_pages_checked()


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Any, live_server: Any) -> None:
    """E-mailed links are built from SITE_URL; let them lead to the live server."""
    settings.SITE_URL = live_server.url


def current_totp_code(secret_base32: str) -> str:
    """The code an authenticator app shows now for this (base32) secret."""
    totp = TOTP(base64.b32decode(secret_base32), step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def totp_code() -> Callable[[str], str]:
    return current_totp_code


# --- a real SMTP server ---------------------------------------------------------------------


class MailCollector:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def addressed_to(self, address: str, subject_prefix: str = "") -> list[EmailMessage]:
        """The messages with `address` among their recipients, whose subject starts so."""
        return [
            message
            for message in self.messages
            if address.lower() in {a.addr_spec.lower() for a in message["To"].addresses}
            and str(message["Subject"]).startswith(subject_prefix)
        ]

    def only(self, address: str, subject_prefix: str = "") -> EmailMessage:
        """The one message to `address` with such a subject; fails if there is none or more."""
        found = self.addressed_to(address, subject_prefix)
        assert len(found) == 1, (address, subject_prefix, [(m["To"], m["Subject"]) for m in self.messages])
        return found[0]

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the message has no text/plain part"
        return str(part.get_content())

    @classmethod
    def link_in(cls, message: EmailMessage, path: str) -> str:
        """The absolute link to `path...` in the plain-text body."""
        text = cls.text_of(message)
        match = re.search(rf"http://\S+{re.escape(path)}\S+/", text)
        assert match, f"no link to {path} in:\n{text}"
        return match.group(0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[MailCollector]:
    """An SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    collector = MailCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    try:
        yield collector
    finally:
        controller.stop()
