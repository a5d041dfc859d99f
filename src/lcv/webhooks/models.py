"""Signed webhooks for partner feedback (issue 12 item 7).

Identity: a `WebhookEndpoint` is one HTTPS address a signal partner registered; a `WebhookDelivery`
is one feedback message for one endpoint (unique together; its webhook-id is the message's
public_id, so a partner can recognise a message it has already processed); a `WebhookAttempt` is
one try to send it (append-only). None of it holds personal data: the body is rebuilt from the
message at every attempt (`lcv.feedback.payloads.item`) and never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lcv.feedback.models import FeedbackMessage
from lcv.organisations.models import Organisation


class WebhookEndpoint(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("adres"), max_length=500)
    description = models.CharField(_("omschrijving"), max_length=100, blank=True)
    # the Standard Webhooks secret ("whsec_" + base64): the platform signs with it, so it is kept;
    # the portal shows it only in the response to the registration
    secret = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("aangemeld"))
    active = models.BooleanField(_("actief"), default=True)
    # the highest feedback message id already turned into deliveries for this endpoint; messages
    # commit in id order (feedback.services), so everything above it is new
    cursor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook-adres")
        verbose_name_plural = _("webhook-adressen")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    WAITING = "waiting", _("wacht op verzending")
    DELIVERED = "delivered", _("afgeleverd")
    GIVEN_UP = "given_up", _("opgegeven")


class WebhookDelivery(models.Model):
    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(FeedbackMessage, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.WAITING
    )
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt"))
    # start of the 3-day window of retries: creation, or the last "opnieuw versturen"
    window_start = models.DateTimeField()
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    # the sender that took it (a fresh value per batch): two workers never send the same delivery
    claim = models.UUIDField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhookbericht")
        verbose_name_plural = _("webhookberichten")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "message"], name="one_webhook_delivery_per_message"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status="waiting"),
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.message_id} {self.status}"


# the words the log stores when no HTTP status came back (sending.py), as the screens show them
ERROR_LABELS = {
    "time-out": _("time-out"),
    "verbinding geweigerd": _("verbinding geweigerd"),
    "adres geweigerd": _("adres geweigerd (intern of gereserveerd netwerk)"),
    "server onbekend": _("server onbekend"),
    "certificaatfout": _("certificaatfout"),
    "verbindingsfout": _("verbindingsfout"),
}


class WebhookAttempt(models.Model):
    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("tijdstip"))
    status_code = models.PositiveSmallIntegerField(_("HTTP-status"), null=True, blank=True)
    error = models.CharField(_("fout"), max_length=40, blank=True)  # Dutch word: "time-out", "verbinding geweigerd"
    duration_ms = models.PositiveIntegerField(_("duur (ms)"))

    class Meta:
        ordering = ["delivery", "id"]
        verbose_name = _("verzendpoging")
        verbose_name_plural = _("verzendpogingen")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"

    @property
    def error_label(self) -> str:
        return str(ERROR_LABELS.get(self.error, self.error))

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
