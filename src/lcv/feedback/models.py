"""Feedback to partners (R20) and the pause of collection (R21).

The partner, municipal party and delivery are copies of the signal's own (for the partner's and
the municipality's lists without a join); the signal's foreign key guards them, so they carry no
constraint of their own: every checked key costs time at commit when 20,000 cases close at once.

Identity: `SignalFeedback` is one row per signal (its primary key is the signal): what the partner
was last told about that signal and until when it pauses collection. `FeedbackMessage` is the
append-only list of what was sent: a correction points to the message it corrects, so a partner
never gets a second, contradicting message without the link to the first. The message id orders
the API's cursor and the webhooks: messages are written under one lock (services.py), so a higher
id is always committed after a lower one.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from lcv.cases.models import Case
from lcv.feedback.whitelist import Reason, Reported
from lcv.organisations.models import Organisation
from lcv.signals.models import Delivery, Signal


class Event(models.TextChoices):
    CREATED = "feedback.created", _("Terugkoppeling")
    CORRECTED = "feedback.corrected", _("Correctie")
    PAUSE_STARTED = "pause.started", _("Pauze begonnen")
    PAUSE_ENDED = "pause.ended", _("Pauze afgelopen")


class PauseBasis(models.TextChoices):
    HELP_ACCEPTED = "help_accepted", _("hulp geaccepteerd")
    DELIVERY = "delivery", _("vanaf aanlevering (addendum)")


class FeedbackMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("bericht"), max_length=20, choices=Event.choices)
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    municipal_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(
        Delivery, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reported = models.CharField(_("terugkoppeling"), max_length=20, choices=Reported.choices, blank=True)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices, blank=True)
    pause_until = models.DateField(_("incasso gepauzeerd tot en met"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", db_index=False
    )
    created_at = models.DateTimeField(_("verstuurd"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("terugkoppelbericht")
        verbose_name_plural = _("terugkoppelberichten")
        indexes = [
            models.Index(fields=["partner", "id"], name="feedback_partner_cursor"),
            models.Index(fields=["delivery", "id"], name="feedback_per_delivery"),
            models.Index(fields=["municipal_party", "id"], name="feedback_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.public_id}"


class SignalFeedback(models.Model):
    signal = models.OneToOneField(Signal, on_delete=models.PROTECT, primary_key=True, related_name="+")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    municipal_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reported = models.CharField(_("terugkoppeling"), max_length=20, choices=Reported.choices, blank=True)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices, blank=True)
    reported_at = models.DateTimeField(_("teruggekoppeld"), null=True, blank=True)
    pause_basis = models.CharField(max_length=15, choices=PauseBasis.choices, blank=True)
    pause_from = models.DateField(_("incasso gepauzeerd vanaf"), null=True, blank=True)
    # the addendum's pause from delivery (R21), kept apart: a correction of "help accepted" falls back to it
    delivery_pause_until = models.DateField(null=True, blank=True)
    pause_until = models.DateField(_("incasso gepauzeerd tot en met"), null=True, blank=True)
    pause_ended_at = models.DateTimeField(null=True, blank=True)
    # the case was reopened after the last message: the next outcome may correct it
    correcting = models.BooleanField(default=False)
    last_message = models.ForeignKey(
        FeedbackMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("terugkoppeling per signaal")
        verbose_name_plural = _("terugkoppeling per signaal")
        indexes = [
            models.Index(fields=["partner", "-updated_at"], name="signal_feedback_partner"),
            models.Index(
                fields=["pause_until"], name="signal_feedback_running_pause", condition=models.Q(pause_ended_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.reported}"
