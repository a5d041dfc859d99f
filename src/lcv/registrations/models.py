"""Registrations (R1): what an organisation filled in on the public form, kept as submitted until the
helpdesk approves, rejects or attaches it to an organisation that is already on the platform."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Sector, SignalSystem
from lcv.organisations.validators import validate_kvk


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Te beoordelen")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")
    ATTACHED = "attached", _("Gekoppeld aan bestaande organisatie")


REGISTRABLE_KINDS = [
    (OrganisationKind.MUNICIPALITY.value, OrganisationKind.MUNICIPALITY.label),
    (OrganisationKind.JOINT_ARRANGEMENT.value, OrganisationKind.JOINT_ARRANGEMENT.label),
    (OrganisationKind.EXECUTOR.value, OrganisationKind.EXECUTOR.label),
    (OrganisationKind.SIGNAL_PARTNER.value, OrganisationKind.SIGNAL_PARTNER.label),
]


class Registration(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    kind = models.CharField(_("soort organisatie"), max_length=20, choices=REGISTRABLE_KINDS)
    name = models.CharField(_("naam organisatie"), max_length=200)
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[validate_kvk])
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signal_system = models.CharField(_("signaleringssysteem"), max_length=10, choices=SignalSystem.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    national_coverage = models.BooleanField(_("landelijke dekking"), default=False)
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("gemeenten"), blank=True, related_name="+")

    contact_name = models.CharField(_("naam contactpersoon"), max_length=200)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"))
    contact_phone = models.CharField(_("telefoonnummer contactpersoon"), max_length=30)
    contact_job_title = models.CharField(_("functie contactpersoon"), max_length=100)
    contact_consents = models.BooleanField(_("contactgegevens tonen aan andere partijen"), default=False)
    signatory_name = models.CharField(_("naam tekenbevoegde"), max_length=200)
    signatory_email = models.EmailField(_("e-mailadres tekenbevoegde"))
    signatory_job_title = models.CharField(_("functie tekenbevoegde"), max_length=100)
    cosigning_executor_name = models.CharField(_("uitvoerder die mede ondertekent"), max_length=200, blank=True)
    cosigning_executor_kvk = models.CharField(
        _("KvK-nummer uitvoerder"), max_length=8, blank=True, validators=[validate_kvk]
    )

    submitted_at = models.DateTimeField(_("ingediend"), auto_now_add=True, db_index=True)
    client_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)  # keyed hash of the IP
    duplicate_of = models.ForeignKey(
        Organisation,
        verbose_name=_("lijkt op bestaande organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    decided_at = models.DateTimeField(_("beoordeeld"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
