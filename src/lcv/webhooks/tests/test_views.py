"""The partner's webhook screens: registration with the second factor and the secret shown once,
the log with paging and attempts, "opnieuw versturen", and isolation between partners."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.audit.models import AuditEvent
from lcv.feedback.models import FeedbackMessage
from lcv.testing.auth import login_verified
from lcv.testing.factories import member
from lcv.webhooks import sending, services
from lcv.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

PUBLIC_URL = "https://93.184.216.34/lcv/webhook"


def code_of(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token():06d}"


def logged_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def water_contact(chain):
    return member(chain.water, "contact", email="contact@water.nl")


def test_the_contact_registers_an_address_with_the_second_factor_and_sees_the_secret_once(chain, water_contact):
    client = logged_in(water_contact)
    url = reverse("webhooks:list")
    response = client.post(url, {"url": PUBLIC_URL, "description": "Incasso", "code": code_of(water_contact)})
    endpoint = WebhookEndpoint.objects.get()
    page = response.content.decode()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert (endpoint.organisation, endpoint.created_by, endpoint.active) == (chain.water, water_contact, True)
    assert AuditEvent.objects.filter(action="webhooks.endpoint_registered", actor=water_contact).exists()

    again = client.get(url).content.decode()
    assert PUBLIC_URL in again
    assert endpoint.secret not in again, "the secret is shown only once"


def test_a_wrong_code_registers_nothing(water_contact):
    wrong = logged_in(water_contact).post(reverse("webhooks:list"), {"url": PUBLIC_URL, "code": "000000"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_internal_address_is_refused_on_the_form_in_dutch(settings, water_contact):
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    client = logged_in(water_contact)
    response = client.post(
        reverse("webhooks:list"), {"url": "https://169.254.169.254/latest", "code": code_of(water_contact)}
    )
    assert "Webhooks gaan alleen naar een openbaar adres op internet" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def make_deliveries(endpoint: WebhookEndpoint, count: int) -> list[WebhookDelivery]:
    """Feedback messages for the endpoint's partner (as feedback.services writes them), and their
    deliveries."""
    from lcv.signals.models import Signal

    signal = Signal.objects.filter(partner=endpoint.organisation).first()
    assert signal is not None
    now = timezone.now()
    FeedbackMessage.objects.bulk_create(
        FeedbackMessage(
            event="feedback.created",
            partner=endpoint.organisation,
            municipal_party=signal.municipal_party,
            signal=signal,
            delivery=signal.delivery,
            reported="help_accepted",
            created_at=now,
        )
        for _ in range(count)
    )
    services.create_deliveries(partner_ids=[endpoint.organisation_id])
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id"))


@pytest.fixture
def water_log(chain, water_contact):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    endpoint, _secret = services.register_endpoint(organisation=chain.water, actor=water_contact, url=PUBLIC_URL)
    return endpoint, make_deliveries(endpoint, 30)


def test_the_log_pages_through_the_deliveries_with_their_attempts(chain, water_log, water_contact):
    endpoint, deliveries = water_log
    WebhookDelivery.objects.filter(pk=deliveries[-1].pk).update(status=DeliveryStatus.GIVEN_UP, attempts=1)
    deliveries[-1].attempt_log.create(at=timezone.now(), error="time-out", duration_ms=10000)
    client = logged_in(water_contact)
    url = reverse("webhooks:log", args=[endpoint.pk])
    first = client.get(url).content.decode()
    assert first.count('data-testid="delivery-row"') == 25
    assert str(deliveries[-1].message.public_id) in first  # newest first
    assert "time-out" in first
    assert "Opnieuw versturen" in first
    second = client.get(url, {"pagina": 2}).content.decode()
    assert second.count('data-testid="delivery-row"') == 5
    given_up = client.get(url, {"status": "given_up"}).content.decode()
    assert given_up.count('data-testid="delivery-row"') == 1


def test_a_deliverer_reads_the_log_but_does_not_register_or_replay(chain, water_log):
    endpoint, deliveries = water_log
    deliverer = member(chain.water, "deliverer", email="aanlever@water.nl")
    client = logged_in(deliverer)
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert PUBLIC_URL in listing
    assert "Adres aanmelden" not in listing
    log = client.get(reverse("webhooks:log", args=[endpoint.pk])).content.decode()
    assert log.count('data-testid="delivery-row"') == 25
    assert "Opnieuw versturen" not in log
    assert client.post(reverse("webhooks:replay", args=[deliveries[0].pk])).status_code == 403
    assert client.post(reverse("webhooks:list"), {"url": PUBLIC_URL}).status_code == 403
    assert client.post(reverse("webhooks:remove", args=[endpoint.pk])).status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_replay_makes_a_given_up_delivery_due_now_with_three_new_days(chain, water_log, water_contact):
    _endpoint, deliveries = water_log
    delivery = deliveries[0]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.GIVEN_UP, next_attempt_at=None)
    client = logged_in(water_contact)
    response = client.post(reverse("webhooks:replay", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.WAITING
    assert delivery.next_attempt_at <= timezone.now()
    assert delivery.window_start >= timezone.now() - sending.LEASE
    assert AuditEvent.objects.filter(action="webhooks.delivery_replayed", actor=water_contact).exists()


def test_disable_and_remove_are_audited(chain, water_log, water_contact):
    endpoint, _deliveries = water_log
    client = logged_in(water_contact)
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active
    client.post(reverse("webhooks:remove", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()
    actions = set(AuditEvent.objects.filter(actor=water_contact).values_list("action", flat=True))
    assert {"webhooks.endpoint_disabled", "webhooks.endpoint_removed"} <= actions


def test_partner_b_can_neither_read_nor_change_nor_replay_partner_a_s_webhooks(chain, water_log):
    """Isolation: every URL of Water Midden's address answers 404 to Stroom BV's contact, and
    nothing of it shows or changes."""
    endpoint, deliveries = water_log
    other = member(chain.energy, "contact", "deliverer", email="contact@stroom.nl")
    services.register_endpoint(organisation=chain.energy, actor=other, url="https://93.184.216.35/stroom")
    client = logged_in(other)
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert "93.184.216.35" in listing
    assert PUBLIC_URL not in listing
    log = client.get(reverse("webhooks:log", args=[endpoint.pk]))
    assert log.status_code == 404
    assert str(deliveries[0].message.public_id) not in log.content.decode()
    for name, pk in (
        ("webhooks:toggle", endpoint.pk),
        ("webhooks:remove", endpoint.pk),
        ("webhooks:replay", deliveries[0].pk),
    ):
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    endpoint.refresh_from_db()
    assert endpoint.active
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 30
    assert not AuditEvent.objects.filter(
        actor=other,
        action__in=["webhooks.delivery_replayed", "webhooks.endpoint_removed", "webhooks.endpoint_disabled"],
    ).exists()


def test_services_refuse_another_partner_s_address_too(chain, water_log):
    endpoint, deliveries = water_log
    other = member(chain.energy, "contact", email="contact@stroom.nl")
    with pytest.raises(services.WebhookError):
        services.replay(delivery_id=deliveries[0].pk, organisation=chain.energy, actor=other)
    with pytest.raises(services.WebhookError):
        services.remove_endpoint(endpoint_id=endpoint.pk, organisation=chain.energy, actor=other)


def test_a_municipality_has_no_webhooks(chain):
    handler_contact = member(chain.utrecht, "contact", email="contact@utrecht.nl")
    assert logged_in(handler_contact).get(reverse("webhooks:list")).status_code == 403


def test_the_deliveries_page_links_to_webhooks(chain, water_contact):
    page = logged_in(water_contact).get(reverse("signals:deliveries")).content.decode()
    assert reverse("webhooks:list") in page
