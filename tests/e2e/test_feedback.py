"""Issue 12 in the browser (R20, R21): a handler records "hulp geaccepteerd"; the partner's
deliverer sees the feedback with its pause in the portal; the API returns it; a local webhook
receiver gets it with a valid signature, and a receiver that answers 500 gets it again later.

The demo is loaded through the real services. The webhook sender is the worker's own function,
run here as the worker would run it; the receivers are real HTTP servers on this machine that check
the signature with the Standard Webhooks library, as a partner's system would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lcv.brp.demo_residents import DEMO_RESIDENTS
from lcv.brp.testservice import start_test_service
from lcv.cases.models import Case
from lcv.feedback import pauses
from lcv.organisations.models import Membership
from lcv.organisations.reference import load_municipalities
from lcv.portal.demo import DEMO_PASSWORD, DOMAIN, load_demo_data
from lcv.signals import tokens
from lcv.signals.models import Signal
from lcv.testing.browser import off_the_event_loop
from lcv.testing.webhooks import webhook_receiver
from lcv.webhooks import services as webhooks
from lcv.webhooks.models import WebhookDelivery
from lcv.webhooks.sending import send_due

pytestmark = pytest.mark.browser

HANDLER = f"behandelaar.utrecht@{DOMAIN}"
BRP_KEY = "e2e-brp-sleutel"


@pytest.fixture
def demo(settings) -> Iterator[None]:
    with start_test_service(api_key=BRP_KEY, residents=DEMO_RESIDENTS) as service:
        settings.BRP_BASE_URL = service.base_url
        settings.BRP_API_KEY = BRP_KEY
        load_municipalities()  # an earlier browser test may have flushed the reference data
        off_the_event_loop(load_demo_data)
        yield


def test_help_accepted_reaches_the_partner_in_the_portal_the_api_and_signed_webhooks(site, demo, webhook_loopback):
    page = site.page
    signal = Signal.objects.get(postcode="3512BB", house_number=14)  # J. Jansen, Voorstraat 14
    partner = signal.partner
    case = Case.objects.get(links__signal=signal)
    contact = Membership.objects.get(organisation=partner, is_contact=True).user
    deliverer = Membership.objects.filter(organisation=partner, is_deliverer=True).first().user

    with webhook_receiver() as good, webhook_receiver() as failing:
        # the partner's contact registered two addresses; one answers 500 for now
        for receiver in (good, failing):
            _endpoint, receiver.secret = webhooks.register_endpoint(
                organisation=partner, actor=contact, url=receiver.url
            )
        failing.status = 500

        # --- the handler records a reached contact and "hulp geaccepteerd" ----------------------
        site.log_in(HANDLER, DEMO_PASSWORD)
        site.visit(f"/zaken/{case.pk}/")
        details = page.get_by_role("main").locator("details").filter(has_text="Contactpoging vastleggen")
        details.locator("summary").click()
        details.get_by_label("Soort contact").select_option(label="Telefoon")
        details.get_by_label("Ja, ik heb de inwoner gesproken", exact=True).check()
        site.click(details.get_by_role("button", name="Contactpoging opslaan"))
        site.click(page.get_by_role("button", name="Hulp geaccepteerd"))
        expect(page.get_by_test_id("status")).to_have_text("Hulp geaccepteerd")
        accepted = timezone.localdate()
        until = pauses.after_help(accepted)

        # the municipality sees what its partners were told, per case
        site.visit(f"/zaken/{case.pk}/terugkoppeling/")
        expect(page.get_by_role("main")).to_contain_text(partner.name)
        expect(page.get_by_role("main")).to_contain_text(f"{until:%d-%m-%Y}")
        site.log_out()

        # --- the worker sends the webhooks -----------------------------------------------------
        webhooks.create_deliveries(partner_ids=[partner.pk])
        send_due(seconds=10)
        assert len(good.verified) == 1
        data = good.verified[0].document["data"]
        assert good.verified[0].document["type"] == "feedback.created"
        assert (data["terugkoppeling"], data["incasso_gepauzeerd_tot_en_met"]) == (
            "hulp_geaccepteerd",
            until.isoformat(),
        )
        assert data["klantnummer"] == signal.customer_number
        assert "Jansen" not in good.received[0].body.decode()  # no personal data beyond its own
        assert failing.count() == 1
        waiting = WebhookDelivery.objects.get(endpoint__url=failing.url)
        assert waiting.next_attempt_at is not None

        # later: the failing receiver is back and gets the same message again, still signed
        failing.status = 200
        with time_machine.travel(waiting.next_attempt_at + timedelta(seconds=1), tick=True):
            send_due(seconds=10)
        assert failing.count() == 2
        assert len(failing.verified) == 2
        assert failing.verified[1].headers["webhook-id"] == failing.verified[0].headers["webhook-id"]
        assert failing.verified[1].document["data"] == data
        assert len(good.verified) == 1  # the delivered one is not sent twice

    # --- the partner's deliverer sees the feedback and the pause in the portal ------------------
    site.log_in(deliverer.email, DEMO_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Terugkoppeling"))
    row = page.get_by_role("row").filter(has_text=signal.customer_number)
    expect(row).to_contain_text("Hulp geaccepteerd")
    expect(row).to_contain_text(f"{until:%d-%m-%Y}")
    expect(page.get_by_role("main")).not_to_contain_text("Jansen")

    # the deliverer reads the webhook log: the attempt that got 500, then the delivered one
    site.visit("/aanleveringen/webhooks/")
    logs = page.get_by_role("link", name="Logboek")
    expect(logs).to_have_count(2)
    texts = []
    for index in range(2):
        site.click(page.get_by_role("link", name="Logboek").nth(index))
        attempts = page.get_by_role("main").locator("details summary")
        for summary in range(attempts.count()):
            attempts.nth(summary).click()
        texts.append(page.get_by_role("main").inner_text())
        site.visit("/aanleveringen/webhooks/")
    retried = [text for text in texts if "antwoord 500" in text]
    assert len(retried) == 1, texts
    assert "antwoord 200" in retried[0]
    assert "afgeleverd" in retried[0]

    # --- the API returns it to the partner's system -----------------------------------------------
    _token, plain = tokens.create_token(organisation=partner, actor=contact, name="e2e")
    body = requests.get(site.url("/api/v1/feedback"), headers={"Authorization": f"Bearer {plain}"}, timeout=10).json()
    mine = [m for m in body["berichten"] if m["klantnummer"] == signal.customer_number]
    assert [(m["soort"], m["terugkoppeling"], m["incasso_gepauzeerd_tot_en_met"]) for m in mine] == [
        ("feedback.created", "hulp_geaccepteerd", until.isoformat())
    ]
