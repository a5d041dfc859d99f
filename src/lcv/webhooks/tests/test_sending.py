"""Sending to a real local receiver that verifies the Standard Webhooks signature with the
`standardwebhooks` library; retries with back-off, giving up after three days, the error words of
the log, the worker task and its periodic job."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lcv.core.schedule import SCHEDULE
from lcv.feedback.models import FeedbackMessage
from lcv.feedback.payloads import for_partners, item
from lcv.webhooks import sending, services
from lcv.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from lcv.webhooks.tasks import send_webhooks_task, sweep_webhooks_task


def only_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.get()


def due_now(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_help_accepted_reaches_the_receiver_signed_with_the_message_as_the_api_gives_it(
    water_endpoint, receiver, help_accepted
):
    help_accepted()
    message = for_partners(FeedbackMessage.objects.filter(partner=water_endpoint.organisation)).get()
    delivery = only_delivery()
    assert (delivery.endpoint, delivery.message, delivery.status) == (water_endpoint, message, DeliveryStatus.WAITING)

    assert send_webhooks_task.call() == 1  # the worker's task, run here

    [received] = receiver.received
    assert received.verified, "the receiver's standardwebhooks library accepts the signature"
    assert received.headers["webhook-id"] == str(message.public_id)
    assert received.document == {
        "type": "feedback.created",
        "timestamp": message.created_at.isoformat(),
        "data": item(message),
    }
    assert received.document["data"]["terugkoppeling"] == "hulp_geaccepteerd"
    assert received.document["data"]["incasso_gepauzeerd_tot_en_met"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.DELIVERED, 1, None)
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.error) == (200, "")


def test_a_wrong_secret_does_not_verify(water_endpoint, receiver, help_accepted):
    """The receiver's check is real: another secret rejects the same request."""
    receiver.secret = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    help_accepted()
    sending.send_due()
    assert receiver.count() == 1
    assert not receiver.verified


def test_a_receiver_that_answers_500_gets_the_message_again_later(water_endpoint, receiver, help_accepted):
    receiver.status = 500
    help_accepted()
    sending.send_due()
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.WAITING, 1)
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert sending.send_due().sent == 0, "not due yet: nothing is sent again at once"

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=5), tick=True):
        receiver.status = 200
        assert sending.send_due().sent == 1
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [r.verified for r in receiver.received] == [True, True]
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]


def test_retries_back_off_and_give_up_after_three_days(water_endpoint, receiver, help_accepted):
    receiver.status = 503
    help_accepted()
    start = timezone.now()
    waits = []
    delivery = only_delivery()
    for _ in range(40):
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.WAITING or delivery.next_attempt_at is None:
            break
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
            before = timezone.now()
            sending.send_due()
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.next_attempt_at is None
    assert waits[:5] == [1, 2, 4, 8, 16]  # minutes: exponential back-off
    assert max(waits) <= 12 * 60
    last = delivery.attempt_log.order_by("-id")[0]
    assert timedelta(days=3) <= last.at - start < timedelta(days=3, minutes=5)
    assert delivery.attempts == receiver.count() == WebhookAttempt.objects.count()


def test_next_attempt_ends_at_three_days():
    start = timezone.now()
    assert sending.next_attempt(window_start=start, attempts=1, now=start) == start + timedelta(minutes=1)
    assert sending.next_attempt(window_start=start, attempts=3, now=start) == start + timedelta(minutes=4)
    assert sending.next_attempt(window_start=start, attempts=20, now=start) == start + timedelta(hours=12)
    late = start + timedelta(days=2, hours=20)
    assert sending.next_attempt(window_start=start, attempts=15, now=late) == start + timedelta(days=3)
    assert sending.next_attempt(window_start=start, attempts=16, now=start + timedelta(days=3)) is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_log_names_a_refused_connection_and_a_time_out_in_dutch(
    chain, receiver, water_endpoint, help_accepted, monkeypatch
):
    WebhookEndpoint.objects.filter(pk=water_endpoint.pk).update(url=f"http://127.0.0.1:{_closed_port()}/x")
    help_accepted()
    sending.send_due()
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (None, "verbinding geweigerd")

    WebhookEndpoint.objects.filter(pk=water_endpoint.pk).update(url=receiver.url)
    monkeypatch.setattr(sending, "TIMEOUT", (1, 0.3))
    receiver.delay = 1.0
    due_now(only_delivery())
    sending.send_due()
    assert WebhookAttempt.objects.order_by("-id")[0].error == "time-out"


def test_a_target_that_became_internal_is_refused_at_send_time(settings, water_endpoint, receiver, help_accepted):
    """The address is checked again before each send: registered while allowed, refused now."""
    help_accepted()
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    sending.send_due()
    assert receiver.count() == 0
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (None, "adres geweigerd")


def test_the_request_goes_to_the_checked_address_with_the_registered_host(water_endpoint, receiver, help_accepted):
    help_accepted()
    sending.send_due()
    host, port = receiver.server.server_address[:2]
    assert receiver.received[0].headers["host"] == f"{host}:{port}"


def test_a_delivery_is_claimed_by_one_sender_only(water_endpoint, receiver, help_accepted):
    help_accepted()
    now = timezone.now()
    first = sending.claim(now=now)
    assert len(first) == 1
    assert sending.claim(now=now) == [], "a second sender gets nothing while the first holds it"
    # a sender that died: after the lease the delivery is due again
    assert len(sending.claim(now=now + sending.LEASE + timedelta(seconds=1))) == 1


def test_a_disabled_endpoint_gets_nothing_and_no_new_deliveries(chain, water_endpoint, receiver, help_accepted):
    contact = water_endpoint.created_by
    services.set_active(endpoint_id=water_endpoint.pk, organisation=chain.water, actor=contact, active=False)
    help_accepted()
    assert not WebhookDelivery.objects.exists()
    assert sending.send_due().sent == 0
    services.set_active(endpoint_id=water_endpoint.pk, organisation=chain.water, actor=contact, active=True)
    assert services.create_deliveries() == 1, "what was written meanwhile follows"
    sending.send_due()
    assert len(receiver.verified) == 1


def test_each_partner_gets_only_its_own_messages(chain, receiver, help_accepted, webhook_loopback):
    from lcv.testing.factories import member
    from lcv.testing.webhooks import webhook_receiver

    with webhook_receiver() as energy_receiver:
        services.register_endpoint(organisation=chain.water, actor=member(chain.water, "contact"), url=receiver.url)
        energy, energy_receiver.secret = services.register_endpoint(
            organisation=chain.energy, actor=member(chain.energy, "contact"), url=energy_receiver.url
        )
        help_accepted()
        sending.send_due()
        assert receiver.count() == 1
        assert energy_receiver.count() == 0
        assert not WebhookDelivery.objects.filter(endpoint=energy).exists()


def test_messages_before_registration_are_not_sent(chain, receiver, help_accepted):
    from lcv.testing.factories import member

    help_accepted()
    services.register_endpoint(organisation=chain.water, actor=member(chain.water, "contact"), url=receiver.url)
    assert services.create_deliveries() == 0


def test_the_sweep_creates_missed_deliveries_and_is_scheduled_every_minute(water_endpoint, receiver, help_accepted):
    help_accepted()
    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.filter(pk=water_endpoint.pk).update(cursor=0)
    assert sweep_webhooks_task.call() == 1
    assert WebhookDelivery.objects.count() == 1
    assert sweep_webhooks_task.call() == 0, "a second sweep creates nothing twice"
    job = SCHEDULE["send_webhooks"]
    assert job.every == timedelta(minutes=1)


@pytest.mark.parametrize("answer", [301, 404, 410])
def test_an_answer_outside_2xx_is_not_delivered(water_endpoint, receiver, help_accepted, answer):
    receiver.status = answer
    help_accepted()
    sending.send_due()
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.WAITING
    assert delivery.attempt_log.get().status_code == answer


def test_https_connects_to_the_checked_address_and_checks_the_certificate_of_the_registered_name(
    tmp_path, monkeypatch, webhook_loopback
):
    """DNS rebinding: the sender connects to the address that was checked, whatever the name would
    resolve to now, while TLS (SNI and the certificate) and the Host header use the registered name."""
    from lcv.testing.webhooks import tls_for, webhook_receiver
    from lcv.webhooks.addresses import Target

    ca_file, context = tls_for(tmp_path, "webhook.test")
    monkeypatch.setattr(sending, "VERIFY", str(ca_file))
    with webhook_receiver(tls=context) as receiver:
        port = receiver.server.server_address[1]
        sender = sending.Sender(threads=2)
        try:
            # "webhook.test" resolves nowhere: only the pinned address can be reached
            pinned = Target(scheme="https", host="webhook.test", port=port, path="/lcv", address="127.0.0.1")
            [outcome] = sender.send([(pinned, b"{}", {"webhook-id": "een"})])
            assert (outcome.status_code, outcome.error) == (200, "")
            assert receiver.received[0].headers["host"] == f"webhook.test:{port}"
            other = Target(scheme="https", host="ander.test", port=port, path="/lcv", address="127.0.0.1")
            [refused] = sender.send([(other, b"{}", {"webhook-id": "twee"})])
            assert (refused.status_code, refused.error) == (None, "certificaatfout")
            assert receiver.count() == 1
        finally:
            sender.close()


def test_opnieuw_versturen_during_an_attempt_keeps_its_new_state(chain, water_endpoint, receiver, help_accepted):
    receiver.status = 500
    help_accepted()
    [delivery] = sending.claim(now=timezone.now())
    outcome = sending.Sender(threads=1)
    try:
        [result] = outcome.send([(sending.resolve(delivery.endpoint.url), b"{}", {"webhook-id": "x"})])
    finally:
        outcome.close()
    services.replay(delivery_id=delivery.pk, organisation=chain.water, actor=water_endpoint.created_by)
    sending._record([delivery], [result])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.WAITING
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at <= timezone.now(), "still due now, as the replay asked"
    assert delivery.attempts == 1
    assert delivery.attempt_log.get().status_code == 500


def test_a_name_that_no_longer_resolves_is_logged_as_unknown(water_endpoint, receiver, help_accepted):
    WebhookEndpoint.objects.filter(pk=water_endpoint.pk).update(url="http://bestaat-niet.invalid/x")
    help_accepted()
    sending.send_due()
    assert WebhookAttempt.objects.get().error == "server onbekend"
