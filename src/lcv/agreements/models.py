"""LCV agreements (R2-R6, R9): one per municipality (or joint arrangement) x signal partner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import Organisation, SignalSystem


class AgreementTemplate(models.Model):
    """A version of the standard LCV agreement. The text lives in the template file named here; the
    art. 3.1 windows per sector are data, editable by the helpdesk per version."""

    version = models.PositiveIntegerField(_("versie"), unique=True)
    title = models.CharField(_("titel"), max_length=200)
    template_name = models.CharField(_("sjabloonbestand"), max_length=200)
    # {"energy": {"min_days": 30, "max_days": null}, ...}
    windows = models.JSONField(_("termijnen art. 3.1"))
    is_current = models.BooleanField(_("huidige versie"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("sjabloon overeenkomst")
        verbose_name_plural = _("sjablonen overeenkomst")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_template")
        ]

    def __str__(self) -> str:
        return f"{self.title} (versie {self.version})"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    RELEASED = "released", _("Vrijgegeven voor ondertekening")
    PARTIALLY_SIGNED = "partially_signed", _("Deels ondertekend")
    ACTIVE = "active", _("Actief")
    ENDED = "ended", _("Beëindigd")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


# An agreement in one of these states is "open": never two open ones for one pair (R2).
OPEN_STATUSES = (
    AgreementStatus.DRAFT,
    AgreementStatus.RELEASED,
    AgreementStatus.PARTIALLY_SIGNED,
    AgreementStatus.ACTIVE,
)


class Agreement(models.Model):
    municipal_party = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="municipal_agreements",
        verbose_name=_("gemeente of gemeenschappelijke regeling"),
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_agreements", verbose_name=_("signaalpartner")
    )
    executor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="executor_agreements",
        verbose_name=_("uitvoerder die mede ondertekent"),
    )
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, verbose_name=_("sjabloon"))
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    # copied from the municipal party at generation; changed only by an accepted addendum (art. 3.2, 6.1)
    signal_system = models.CharField(_("signaleringssysteem"), max_length=10, choices=SignalSystem.choices, blank=True)
    generation_batch = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    released_at = models.DateTimeField(_("vrijgegeven"), null=True, blank=True, db_index=True)
    activated_at = models.DateTimeField(_("actief sinds"), null=True, blank=True)
    ended_at = models.DateTimeField(_("beëindigd"), null=True, blank=True)
    ends_on = models.DateField(_("eindigt per"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindiging"), max_length=500, blank=True, db_default="")

    class Meta:
        ordering = ["partner__name", "id"]
        verbose_name = _("overeenkomst")
        verbose_name_plural = _("overeenkomsten")
        constraints = [
            models.UniqueConstraint(
                fields=["municipal_party", "partner"],
                condition=Q(status__in=["draft", "released", "partially_signed", "active"]),
                name="one_open_agreement_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipal_party} - {self.partner}"

    @property
    def is_unsigned_open(self) -> bool:
        """Open but not yet active: the helpdesk may still withdraw it."""
        return self.status in (AgreementStatus.DRAFT, AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED)

    @property
    def parties(self) -> list[Organisation]:
        """The organisations that sign: municipal party, partner, and the co-signing executor."""
        return [p for p in (self.municipal_party, self.partner, self.executor) if p is not None]


class AgreementHistory(models.Model):
    """Append-only: one row per transition (workflow.py)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(_("gebeurtenis"), max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stap in de geschiedenis")
        verbose_name_plural = _("geschiedenis")

    def __str__(self) -> str:
        return f"{self.event}: {self.from_status} → {self.to_status}"


class LocalCovenantStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld, wacht op de andere partij")
    CONFIRMED = "confirmed", _("Bevestigd: geen LCV-overeenkomst voor dit paar")
    DECLINED = "declined", _("Afgewezen door de andere partij")
    UNDONE = "undone", _("Ongedaan gemaakt door de helpdesk")


class LocalCovenant(models.Model):
    """A pair that keeps its existing local covenant and gets no LCV agreement (FAQ 16-17). One party
    proposes it, the other confirms (or the helpdesk records it for both); only a confirmed one
    stops generation (R2), and the helpdesk can undo it (local_covenants.py)."""

    municipal_party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=LocalCovenantStatus.choices, default=LocalCovenantStatus.CONFIRMED
    )
    proposed_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("voorgesteld door"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lokaal convenant")
        verbose_name_plural = _("lokale convenanten")
        constraints = [
            models.UniqueConstraint(
                fields=["municipal_party", "partner"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="one_local_covenant_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipal_party} - {self.partner} (lokaal convenant)"


class Signature(models.Model):
    """R5: who signed for which organisation, when, from where, and the SHA-256 of the exact
    document shown. One per organisation per agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("ondertekend"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    document_sha256 = models.CharField(_("SHA-256 van het document"), max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("handtekening")
        verbose_name_plural = _("handtekeningen")
        constraints = [models.UniqueConstraint(fields=["agreement", "organisation"], name="one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.signed_at:%Y-%m-%d %H:%M}"


class SigningNotice(models.Model):
    """R4: an agreement was listed in an organisation's Monday e-mail. The unique constraint makes
    each released agreement appear in exactly one notice per signing organisation."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="one_signing_notice_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} -> {self.organisation_id}"


class DocumentKind(models.TextChoices):
    DRAFT = "draft", _("Document ter ondertekening")
    FINAL = "final", _("Ondertekend en verzegeld document")


class AgreementDocument(models.Model):
    """R6: the PDF of an agreement, rendered once and never again. `draft` is what signatories see
    and sign (its SHA-256 goes into every signature); `final` is the draft plus the signature page,
    sealed by the platform (PAdES)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        constraints = [models.UniqueConstraint(fields=["agreement", "kind"], name="one_document_per_kind")]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.kind}"


class AddendumStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld, wacht op de andere partij")
    ACCEPTED = "accepted", _("Aanvaard")
    DECLINED = "declined", _("Niet aanvaard")


class Addendum(models.Model):
    """R6, art. 6: a deviation from the standard text, agreed by both parties and kept with the
    agreement. The structured options are what the exchange will act on later (FAQ 25, 38)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="addenda")
    proposed_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("omschrijving"), max_length=300)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # FAQ 25: other delivery moments than the 20th-25th, as days of the month ("1,15")
    delivery_days = models.CharField(_("andere aanleverdagen"), max_length=100, blank=True)
    # FAQ 38: collection paused from delivery until delivery + 4 weeks unless help is accepted
    pause_at_delivery = models.BooleanField(_("incasso pauzeren vanaf aanlevering"), default=False)
    # art. 3.2: the municipality exchanges signals through another system from acceptance on
    signal_system = models.CharField(
        _("ander signaleringssysteem"), max_length=10, choices=SignalSystem.choices, blank=True, db_default=""
    )
    status = models.CharField(max_length=10, choices=AddendumStatus.choices, default=AddendumStatus.PROPOSED)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")

    def __str__(self) -> str:
        return self.description


class AddendumAcceptance(models.Model):
    """Art. 6.1: an addendum binds when every other party of the agreement has accepted it: the
    other side, and the co-signing executor where there is one. One row per accepting party."""

    addendum = models.ForeignKey(Addendum, on_delete=models.CASCADE, related_name="acceptances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("aanvaarding van een addendum")
        verbose_name_plural = _("aanvaardingen van addenda")
        constraints = [models.UniqueConstraint(fields=["addendum", "organisation"], name="one_acceptance_per_party")]

    def __str__(self) -> str:
        return f"{self.addendum_id} <- {self.organisation_id}"
