from django.db import models
from django.utils.translation import gettext_lazy as _


class DevMail(models.Model):
    """An e-mail kept by the demo mail backend, shown at /dev/mail/ (demo mode only)."""

    sent_at = models.DateTimeField(_("verzonden"), auto_now_add=True)
    from_email = models.CharField(_("van"), max_length=300)
    to = models.TextField(_("aan"))
    subject = models.CharField(_("onderwerp"), max_length=300)
    body = models.TextField(_("tekst"))
    html_body = models.TextField(_("HTML"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("demo-e-mail")
        verbose_name_plural = _("demo-e-mails")

    def __str__(self) -> str:
        return self.subject


class NoticeKind(models.TextChoices):
    NEW_PARTNER = "new_partner", _("Nieuwe signaalpartner")


class Notice(models.Model):
    """A message in the portal for an organisation's contact person. The unique constraint makes a
    notice about one subject arrive once per recipient (FAQ 8)."""

    recipient = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="notices", verbose_name=_("voor")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=NoticeKind.choices)
    subject = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("over"),
    )
    text = models.TextField(_("bericht"))
    created_at = models.DateTimeField(_("ontvangen"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        constraints = [models.UniqueConstraint(fields=["kind", "recipient", "subject"], name="one_notice_per_subject")]

    def __str__(self) -> str:
        return self.text[:60]
