"""Organisations, the reference list of municipalities, and who acts for which organisation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lcv.organisations.validators import validate_kvk


class Municipality(models.Model):
    """Reference data: one of the 342 municipalities of 1 January 2025 (CBS code + name)."""

    cbs_code = models.CharField(
        _("CBS-code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$", _("Vier cijfers."))]
    )
    name = models.CharField(_("naam"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente (referentie)")
        verbose_name_plural = _("gemeenten (referentie)")

    def __str__(self) -> str:
        return f"{self.name} ({self.cbs_code})"


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeente")
    JOINT_ARRANGEMENT = "joint_arrangement", _("Gemeenschappelijke regeling")
    EXECUTOR = "executor", _("Uitvoerder")
    SIGNAL_PARTNER = "signal_partner", _("Signaalpartner")
    PLATFORM = "platform", _("Beheer")


# The kinds that are a municipal party: they release agreements and receive signals.
MUNICIPAL_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT)


class SignalSystem(models.TextChoices):
    """The system through which a municipal party exchanges signals (step 2 of the process: it is
    chosen at registration and named in the agreement). Only under an agreement naming LCV-portaal
    does this platform admit signals (R13); the others are systems elsewhere."""

    PLATFORM = "lcv", _("LCV-portaal")
    VPS = "vps", _("VPS (BKR)")
    RIS = "ris", _("xxllnc/RIS (Inforing)")
    OTHER = "other", _("Anders")


class Sector(models.TextChoices):
    HOUSING = "housing", _("Wonen (verhuurder)")
    WATER = "water", _("Drinkwater")
    ENERGY = "energy", _("Energie")
    HEALTH_INSURANCE = "health_insurance", _("Zorgverzekering")


class Organisation(models.Model):
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("naam"), max_length=200)
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[validate_kvk])
    # municipality
    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("gemeente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )
    signal_system = models.CharField(_("signaleringssysteem"), max_length=10, choices=SignalSystem.choices, blank=True)
    # signal partner
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    national_coverage = models.BooleanField(_("landelijke dekking"), default=False)
    # Signal partner: municipalities served; joint arrangement: members; executor: municipalities
    # it works for. One relation, its meaning given by the kind.
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("gemeenten"), blank=True, related_name="linked_organisations"
    )
    # FAQ 13: an executor co-signs the agreements of this organisation only where this is set.
    cosigning_executor = models.ForeignKey(
        "self",
        verbose_name=_("uitvoerder die mede ondertekent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cosigned_for",
        limit_choices_to={"kind": "executor"},
    )
    # FAQ 13: the co-signing executor named at registration that is not on the platform yet; it is
    # linked (and cleared here) when an executor with this KvK number is approved, or by the helpdesk
    awaited_executor_name = models.CharField(
        _("uitvoerder die mede ondertekent (nog niet aangemeld)"), max_length=200, blank=True, db_default=""
    )
    awaited_executor_kvk = models.CharField(_("KvK-nummer van die uitvoerder"), max_length=8, blank=True, db_default="")
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    # DOMAIN.md: a party that leaves gets no new agreements; its unsigned ones are withdrawn.
    left_at = models.DateTimeField(_("vertrokken"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.CheckConstraint(
                name="municipality_has_cbs_code",
                condition=~Q(kind=OrganisationKind.MUNICIPALITY) | Q(municipality__isnull=False),
            ),
            models.CheckConstraint(
                name="only_municipality_links_cbs_code",
                condition=Q(kind=OrganisationKind.MUNICIPALITY) | Q(municipality__isnull=True),
            ),
            models.CheckConstraint(
                name="signal_partner_has_sector",
                condition=~Q(kind=OrganisationKind.SIGNAL_PARTNER) | ~Q(sector=""),
            ),
            models.CheckConstraint(
                name="only_signal_partner_has_sector",
                condition=Q(kind=OrganisationKind.SIGNAL_PARTNER) | Q(sector=""),
            ),
            models.UniqueConstraint(
                fields=["kvk_number", "kind"], condition=~Q(kvk_number=""), name="unique_kvk_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CONTACT = "contact", _("Contactpersoon vroegsignalering")
    SIGNATORY = "signatory", _("Tekenbevoegde")
    HANDLER = "handler", _("Signaalbehandelaar")
    DELIVERER = "deliverer", _("Aanleverancier")
    ANALYST = "analyst", _("Beleidsmedewerker")
    HELPDESK = "helpdesk", _("Beheerder")


class Membership(models.Model):
    """A person acts for exactly one organisation (one membership per user), in one or more roles.

    Roles are columns rather than rows so that the database itself can enforce the two structural
    rules: one organisation per person (one-to-one) and one signatory per organisation (partial
    unique index, FAQ 15: a change replaces, never adds).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("persoon")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisatie")
    )
    is_contact = models.BooleanField(Role.CONTACT.label, default=False)
    is_signatory = models.BooleanField(Role.SIGNATORY.label, default=False)
    is_handler = models.BooleanField(Role.HANDLER.label, default=False)
    is_deliverer = models.BooleanField(Role.DELIVERER.label, default=False)
    is_analyst = models.BooleanField(Role.ANALYST.label, default=False)
    is_helpdesk = models.BooleanField(Role.HELPDESK.label, default=False)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(is_signatory=True), name="one_signatory_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role in Role if getattr(self, role_field(role)))


def role_field(role: Role | str) -> str:
    return f"is_{Role(role).value}"


class ChangeKind(models.TextChoices):
    REPLACE_CONTACT = "replace_contact", _("Contactpersoon vervangen")
    ADD_CONTACT = "add_contact", _("Extra contactpersoon toevoegen")
    REPLACE_SIGNATORY = "replace_signatory", _("Tekenbevoegde vervangen")


CHANGE_ROLE = {
    ChangeKind.REPLACE_CONTACT: Role.CONTACT,
    ChangeKind.ADD_CONTACT: Role.CONTACT,
    ChangeKind.REPLACE_SIGNATORY: Role.SIGNATORY,
}


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("In behandeling bij de helpdesk")
    EXECUTED = "executed", _("Uitgevoerd")
    REJECTED = "rejected", _("Afgewezen")


class ChangeRequest(models.Model):
    """A contact person's request to replace the contact person or the signatory, or to add a contact
    person (FAQ 15: "een andere of extra contactpersoon", R8). It names the new person; there is no
    request to add a second signatory."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("organisatie")
    )
    kind = models.CharField(_("wijziging"), max_length=20, choices=ChangeKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    new_name = models.CharField(_("naam nieuwe persoon"), max_length=200)
    new_email = models.EmailField(_("e-mailadres nieuwe persoon"))
    new_phone = models.CharField(_("telefoonnummer nieuwe persoon"), max_length=30, blank=True)
    new_job_title = models.CharField(_("functie nieuwe persoon"), max_length=100)
    note = models.TextField(_("toelichting"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangevraagd door")
    )
    requested_at = models.DateTimeField(_("aangevraagd"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("afgehandeld"), null=True, blank=True)
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], condition=Q(status="pending"), name="one_pending_change_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation}"
