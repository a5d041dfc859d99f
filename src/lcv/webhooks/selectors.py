"""Reads of the webhook screens."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from lcv.organisations.models import Organisation
from lcv.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

PAGE_SIZE = 25


def endpoints_of(organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return (
        WebhookEndpoint.objects.filter(organisation=organisation)
        .select_related("created_by")
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.WAITING)),
            given_up=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.GIVEN_UP)),
        )
        .order_by("pk")
    )


def delivery_log(endpoint: WebhookEndpoint, *, page: str | int | None, status: str = "") -> Page:
    """One page of an endpoint's deliveries, newest first, each with its attempts."""
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("message")
        .prefetch_related("attempt_log")
        .order_by("-id")
    )
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    return Paginator(deliveries, PAGE_SIZE).get_page(page)
