"""Webhooks for partner feedback (R20, R21; issue 12 item 7): every write is here.

A partner's contact registers an endpoint (the view confirms it with the second factor); new
feedback messages become one delivery per active endpoint of their partner, set-based, right after
the messages commit (`feedback.hooks.messages_written`) and in the periodic sweep; the worker sends
them (sending.py). The contact may disable, enable or remove an endpoint and send a delivery again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.feedback.models import FeedbackMessage
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.webhooks import signing
from lcv.webhooks.addresses import RefusedAddress, resolve
from lcv.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 5


class WebhookError(Exception):
    """Refused; the message is Dutch and says what to do."""


def _own(endpoint_id: int, organisation: Organisation) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.organisation_id != organisation.pk:
        raise WebhookError(_("Dit webhook-adres hoort niet bij uw organisatie."))
    return endpoint


def register_endpoint(
    *, organisation: Organisation, actor: Any, url: str, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint for the partner's feedback messages from now on. Returns the endpoint and its
    secret, which the portal shows this once (the platform keeps it to sign with)."""
    if organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise WebhookError(_("Alleen signaalpartners ontvangen terugkoppeling via webhooks."))
    try:
        resolve(url)
    except RefusedAddress as refused:
        raise WebhookError(str(refused)) from refused
    with transaction.atomic():
        existing = list(WebhookEndpoint.objects.select_for_update().filter(organisation=organisation))
        if len(existing) >= MAX_ENDPOINTS:
            raise WebhookError(
                _("Uw organisatie heeft al %(count)d webhook-adressen. Verwijder eerst een adres dat u niet gebruikt.")
                % {"count": MAX_ENDPOINTS}
            )
        secret = signing.new_secret()
        endpoint = WebhookEndpoint.objects.create(
            organisation=organisation,
            url=url.strip(),
            description=description.strip()[:100],
            secret=secret,
            created_by=actor,
            created_at=timezone.now(),
            # only messages written from now on (older ones the partner reads in the portal or the API)
            cursor=FeedbackMessage.objects.aggregate(top=Max("id"))["top"] or 0,
        )
        record(
            action="webhooks.endpoint_registered",
            actor=actor,
            organisation=organisation,
            obj=endpoint,
            details={"host": urlsplit(endpoint.url).hostname or ""},
        )
    return endpoint, secret


def set_active(*, endpoint_id: int, organisation: Organisation, actor: Any, active: bool) -> WebhookEndpoint:
    """Disable (nothing is sent; what waits, waits) or enable again (what was written meanwhile follows)."""
    with transaction.atomic():
        endpoint = _own(endpoint_id, organisation)
        if endpoint.active == active:
            return endpoint
        endpoint.active = active
        endpoint.save(update_fields=["active"])
        record(
            action="webhooks.endpoint_enabled" if active else "webhooks.endpoint_disabled",
            actor=actor,
            organisation=organisation,
            obj=endpoint,
        )
    if active:
        transaction.on_commit(_start_sending)
    return endpoint


def remove_endpoint(*, endpoint_id: int, organisation: Organisation, actor: Any) -> None:
    """Remove an endpoint with its deliveries and their log."""
    with transaction.atomic():
        endpoint = _own(endpoint_id, organisation)
        record(
            action="webhooks.endpoint_removed",
            actor=actor,
            organisation=organisation,
            obj=endpoint,
            details={"host": urlsplit(endpoint.url).hostname or ""},
        )
        endpoint.delete()


def replay(*, delivery_id: int, organisation: Organisation, actor: Any) -> WebhookDelivery:
    """ "Opnieuw versturen": the delivery is due now, with three new days of retries."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        if delivery is None or delivery.endpoint.organisation_id != organisation.pk:
            raise WebhookError(_("Dit bericht hoort niet bij uw organisatie."))
        now = timezone.now()
        delivery.status = DeliveryStatus.WAITING
        delivery.window_start = now
        delivery.next_attempt_at = now
        delivery.claim = None
        delivery.save(update_fields=["status", "window_start", "next_attempt_at", "claim"])
        record(action="webhooks.delivery_replayed", actor=actor, organisation=organisation, obj=delivery)
    transaction.on_commit(_start_sending)
    return delivery


def _start_sending() -> None:
    from lcv.webhooks.tasks import send_webhooks_task

    send_webhooks_task.enqueue()


def create_deliveries(*, partner_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """One delivery per (active endpoint of these partners, feedback message after its cursor), in one
    INSERT … SELECT; None: every partner (the sweep). Returns how many were created. Messages commit
    in id order (feedback.services), so moving the cursor to the highest id seen skips none."""
    now = now or timezone.now()
    endpoint_table = WebhookEndpoint._meta.db_table
    delivery_table = WebhookDelivery._meta.db_table
    message_table = FeedbackMessage._meta.db_table
    with transaction.atomic():
        endpoints = WebhookEndpoint.objects.select_for_update().filter(active=True)
        if partner_ids is not None:
            endpoints = endpoints.filter(organisation_id__in=list(partner_ids))
        endpoint_ids = list(endpoints.values_list("pk", flat=True))
        top = FeedbackMessage.objects.aggregate(top=Max("id"))["top"]
        if not endpoint_ids or top is None:
            return 0
        placeholders = ", ".join(["%s"] * len(endpoint_ids))
        # only table names of our own models and placeholders go into the SQL; values are parameters
        sql = (
            f"INSERT INTO {delivery_table} "  # noqa: S608
            "(endpoint_id, message_id, status, attempts, created_at, window_start, next_attempt_at) "
            "SELECT e.id, m.id, %s, 0, %s, %s, %s "
            f"FROM {endpoint_table} e JOIN {message_table} m ON m.partner_id = e.organisation_id "
            f"WHERE e.id IN ({placeholders}) AND m.id > e.cursor AND m.id <= %s "
            "ON CONFLICT (endpoint_id, message_id) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [DeliveryStatus.WAITING, now, now, now, *endpoint_ids, top])
            created = cursor.rowcount
        WebhookEndpoint.objects.filter(pk__in=endpoint_ids, cursor__lt=top).update(cursor=top)
    return max(created, 0)
