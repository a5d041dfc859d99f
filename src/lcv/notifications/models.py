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
