"""R17: the list of residents a municipal party's debt-help service knows, kept as keyed hashes.

`DebtHelpList` is one upload (who, when, how many, the file's SHA-256); every upload stays as a row
of the history. `DebtHelpEntry` holds the keyed hash of one BSN of the party's *current* list only:
a new upload deletes the old entries in the same transaction. Neither the BSN nor the file is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import Organisation


class DebtHelpList(models.Model):
    party = models.ForeignKey(
        Organisation, verbose_name=_("gemeentelijke partij"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geüpload door"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)
    count = models.PositiveIntegerField(_("aantal burgerservicenummers"))
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("SHA-256 van het bestand"), max_length=64)
    # which hashing key made the entries (a fingerprint, never the key): after a key change the
    # entries no longer match and the page asks for a new upload
    key_fingerprint = models.CharField(_("sleutelkenmerk"), max_length=16)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("lijst bekend bij schuldhulpverlening")
        verbose_name_plural = _("lijsten bekend bij schuldhulpverlening")
        indexes = [models.Index(fields=["party", "-uploaded_at", "-id"], name="debthelp_list_party_newest")]

    def __str__(self) -> str:
        return f"{self.party} {self.uploaded_at:%Y-%m-%d %H:%M}"


class DebtHelpEntry(models.Model):
    """One resident of the party's current list, as HMAC-SHA256 of the BSN (hex)."""

    list = models.ForeignKey(DebtHelpList, on_delete=models.CASCADE, related_name="entries")
    # the party again, so that the check is one index lookup (party, hash) for the cases app
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bsn_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bekende inwoner (sleutelhash)")
        verbose_name_plural = _("bekende inwoners (sleutelhashes)")
        constraints = [
            models.UniqueConstraint(fields=["party", "bsn_hash"], name="debthelp_entry_unique_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party_id}:{self.bsn_hash[:8]}…"
