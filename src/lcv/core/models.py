from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per (job, slot) the scheduler has started. The unique constraint is what makes the
    schedule safe with several worker processes: only one of them can claim a slot."""

    job = models.CharField(_("taak"), max_length=100)
    slot = models.DateTimeField(_("gepland moment"))
    enqueued_at = models.DateTimeField(_("in de wachtrij gezet"), auto_now_add=True)

    class Meta:
        ordering = ["-slot"]
        verbose_name = _("geplande uitvoering")
        verbose_name_plural = _("geplande uitvoeringen")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class Event(models.Model):
    """A domain event that another capability acts on later (e.g. `organisation.approved`, from which
    the agreements capability generates agreements within one working day, R2). Rows are kept; a
    consumer marks what it handled so that handling is idempotent."""

    name = models.CharField(_("gebeurtenis"), max_length=64, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("domeingebeurtenis")
        verbose_name_plural = _("domeingebeurtenissen")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """One row per running `lcv worker` process (host and process id, nothing personal), touched
    every LCV_WORKER_HEARTBEAT_SECONDS by a thread of the worker; `/gezond/` reports the worker
    missing or late from the newest row. A worker that stops cleanly removes its row."""

    worker = models.CharField(_("taakverwerker"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("gestart"))
    seen_at = models.DateTimeField(_("laatst gezien"), db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("hartslag van een taakverwerker")
        verbose_name_plural = _("hartslagen van taakverwerkers")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
