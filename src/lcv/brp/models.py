"""The record of every BRP query (issue 11: who or which job, which case, when, which fields).

No personal data: no BSN, name, birth date or address is stored here, only what was asked
(query type and `fields`) and how it went.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BrpQuery(models.Model):
    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("beantwoord")
        REFUSED = "refused", _("geweigerd")
        UNAVAILABLE = "unavailable", _("niet bereikbaar")
        MALFORMED = "malformed", _("onleesbaar antwoord")

    at = models.DateTimeField(_("moment"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # the record outlives nothing it names: people are deactivated, not deleted
        related_name="+",
    )
    job = models.CharField(_("taak"), max_length=100, blank=True)
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True, db_index=True)
    query_type = models.CharField(_("soort vraag"), max_length=60)
    fields = models.JSONField(_("gevraagde gegevens"), default=list)
    http_status = models.PositiveSmallIntegerField(_("HTTP-status"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    result_count = models.PositiveIntegerField(_("aantal personen"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duur (ms)"))

    class Meta:
        verbose_name = _("BRP-bevraging")
        verbose_name_plural = _("BRP-bevragingen")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(job=""), name="brp_query_has_actor_or_job"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.query_type} {self.at:%Y-%m-%d %H:%M:%S} {self.outcome}"
