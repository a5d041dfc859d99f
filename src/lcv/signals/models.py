"""Signal intake (R10-R15): deliveries as received, the signals admitted from them, the rows
refused with their reasons, the postcode table that routes them, and partners' API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lcv.agreements.models import Agreement
from lcv.organisations.models import Municipality, Organisation, Sector


class SignalType(models.TextChoices):
    """R10: the six legal kinds of arrears, and nothing else."""

    RENT = "rent", _("Huur")
    WATER = "water", _("Drinkwater")
    HEALTH_INSURANCE = "health_insurance", _("Zorgverzekering")
    ELECTRICITY = "electricity", _("Elektriciteit")
    GAS = "gas", _("Gas")
    HEAT = "heat", _("Warmte")


# R10: a partner delivers only the kinds of its sector.
TYPES_BY_SECTOR: dict[str, frozenset[str]] = {  # plain strings: looked up for every delivered row
    Sector.HOUSING.value: frozenset({SignalType.RENT.value}),
    Sector.WATER.value: frozenset({SignalType.WATER.value}),
    Sector.ENERGY.value: frozenset({SignalType.ELECTRICITY.value, SignalType.GAS.value, SignalType.HEAT.value}),
    Sector.HEALTH_INSURANCE.value: frozenset({SignalType.HEALTH_INSURANCE.value}),
}
ENERGY_TYPES = TYPES_BY_SECTOR[Sector.ENERGY.value]


class SignalKind(models.TextChoices):
    EARLY = "early", _("Vroegsignaal")
    UPDATED = "updated", _("Geactualiseerd signaal")
    END_OF_SUPPLY = "end_of_supply", _("Eindeleveringssignaal")
    SHUT_OFF = "shut_off", _("Afsluitsignaal")


class DeliverySource(models.TextChoices):
    UPLOAD = "upload", _("Bestand in het portaal")
    API = "api", _("API")
    FORM = "form", _("Formulier (één signaal)")
    CAK = "cak", _("CAK-bestand van de gemeente")


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Ontvangen, wacht op verwerking")
    PROCESSING = "processing", _("Wordt verwerkt")
    DONE = "done", _("Verwerkt")
    UNREADABLE = "unreadable", _("Onleesbaar bestand, niets verwerkt")
    FAILED = "failed", _("Verwerking mislukt, niets aangenomen")


class TextEncoding(models.TextChoices):
    """How a CSV delivery's bytes were read as text (reading.detect_encoding), shown on its page."""

    UTF8 = "utf-8", _("UTF-8")
    UTF16 = "utf-16", _("UTF-16")
    WINDOWS = "cp1252", _("Windows-1252 (niet UTF-8)")
    # UTF-8 with a few bytes that are not: those few are read as Windows-1252, the rest as UTF-8
    MIXED = "utf-8-mixed", _("UTF-8, met enkele tekens in Windows-1252")


class PostcodeRange(models.Model):
    """R13: postcode (+ house-number range) -> municipality. `house_from`/`house_to` both null: the
    whole postcode lies in one municipality."""

    postcode = models.CharField(max_length=6, db_index=True)
    house_from = models.PositiveIntegerField(null=True, blank=True)
    house_to = models.PositiveIntegerField(null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodetabel")

    def __str__(self) -> str:
        return f"{self.postcode} {self.house_from or ''}-{self.house_to or ''}"


class Delivery(models.Model):
    """One delivery, stored exactly as received (R13 "nothing lost") before it is processed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deliveries")
    source = models.CharField(_("bron"), max_length=10, choices=DeliverySource.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_token = models.ForeignKey("ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(_("ontvangen"), auto_now_add=True, db_index=True)
    # the client's own delivery id (API): the idempotency key
    client_reference = models.CharField(_("aanlever-id"), max_length=100, blank=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    file_format = models.CharField(max_length=10)  # csv, xlsx, json
    content = models.BinaryField()
    # a CSV file: how its bytes were read as text (TextEncoding), set when processing starts
    encoding = models.CharField(_("gelezen als"), max_length=12, choices=TextEncoding.choices, blank=True)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    error = models.CharField(_("fout in het bestand"), max_length=500, blank=True)
    # runs started for it; after MAX_ATTEMPTS stalled runs it is given up (processing.resume_stalled)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    # rows holding a signal this organisation delivered before (Signal.identity): not errors
    repeated = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # the last sign of life of the run processing it (a chunk committed); see resume_stalled
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("aanlevering")
        verbose_name_plural = _("aanleveringen")
        constraints = [
            # A given-up delivery (failed: a fault in the portal, nothing admitted) does not count: the
            # same file or delivery id may be sent again.
            models.UniqueConstraint(
                fields=["organisation", "client_reference"],
                condition=~Q(client_reference="") & ~Q(status="failed"),
                name="one_delivery_per_client_reference",
            ),
            models.UniqueConstraint(
                fields=["organisation", "sha256"],
                condition=Q(source__in=["upload", "cak"]) & ~Q(status="failed"),
                name="one_delivery_per_file",
            ),
        ]

    def __str__(self) -> str:
        return f"aanlevering {self.pk}"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == DeliveryStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class Signal(models.Model):
    """An admitted early signal (R10-R15). Personal data: seen only by the delivering organisation
    and the receiving municipal party (DOMAIN.md §4)."""

    # no separate index on delivery, partner or municipal_party: the unique constraint and the two
    # indexes below start with them (every index costs time at 100,000 rows a delivery)
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="signals", db_index=False)
    row_number = models.PositiveIntegerField()
    # null for CAK signals (FAQ 29): the municipality itself delivered them
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="delivered_signals", db_index=False
    )
    # the party that receives it: the municipality or the joint arrangement it belongs to (R13)
    municipal_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="received_signals", db_index=False
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="signals")
    from_cak = models.BooleanField(default=False)
    customer_number = models.CharField(_("klantnummer"), max_length=50, blank=True)
    initials = models.CharField(_("voorletters"), max_length=20, blank=True)
    prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("achternaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6)
    house_number = models.PositiveIntegerField(_("huisnummer"))
    house_number_addition = models.CharField(_("toevoeging"), max_length=10, blank=True)
    street = models.CharField(_("straat"), max_length=200, blank=True)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    signal_type = models.CharField(_("soort"), max_length=20, choices=SignalType.choices)
    kind = models.CharField(_("type"), max_length=20, choices=SignalKind.choices)
    amount = models.DecimalField(_("bedrag achterstand"), max_digits=10, decimal_places=2)
    arrears_since = models.DateField(_("achterstand sinds"))
    days_in_arrears = models.PositiveIntegerField(_("dagen achterstand"))
    warm_transfer = models.BooleanField(_("warme overdracht"), default=False)
    crisis = models.BooleanField(_("crisis"), default=False)
    socially_responsible_collection = models.BooleanField(default=False)
    personal_contact_attempted = models.BooleanField(default=False)
    written_reminder_sent = models.BooleanField(null=True, blank=True)  # rent only
    tenant_did_not_object = models.BooleanField(null=True, blank=True)  # rent only
    # R14, R15: accepted, but flagged
    outside_delivery_moment = models.BooleanField(_("buiten aanlevermoment"), default=False)
    without_earlier_signal = models.BooleanField(_("eindelevering zonder eerder vroegsignaal"), default=False)
    # R11: more days of arrears than the agreement's art. 3.1 maximum (health insurance: 100)
    beyond_window = models.BooleanField(_("langer achterstand dan de overeenkomst noemt"), default=False)
    received_at = models.DateTimeField(_("ontvangen"))
    # When two signals are the same: same deliverer, customer number (or, without one, address and
    # surname), type, kind, arrears start date and amount (processing.signal_identity). A repeat is
    # not admitted again; a changed amount or a later arrears date is a new signal.
    identity = models.CharField(max_length=32, default="")

    class Meta:
        ordering = ["delivery_id", "row_number"]
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        constraints = [models.UniqueConstraint(fields=["delivery", "row_number"], name="one_signal_per_row")]
        indexes = [
            models.Index(fields=["partner", "postcode", "house_number", "kind"], name="signal_partner_address"),
            models.Index(fields=["municipal_party", "received_at"], name="signal_party_received"),
            models.Index(fields=["identity"], name="signal_identity"),
        ]

    def __str__(self) -> str:
        return f"signaal {self.pk}"


class RowError(models.Model):
    """One reason a row was refused: row number, field (Dutch column name) and Dutch message."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    field = models.CharField(max_length=50, blank=True)
    message = models.CharField(max_length=300)
    # the partner's own customer number of the row, so the refused row can be found in its system
    customer_number = models.CharField(max_length=100, blank=True, db_default="")
    # the row holds a signal delivered before: refused, but counted apart from errors
    repeat = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery_id", "row_number", "id"]
        indexes = [models.Index(fields=["delivery", "row_number"], name="rowerror_delivery_row")]

    def __str__(self) -> str:
        return f"rij {self.row_number}: {self.message}"


class ApiToken(models.Model):
    """A partner's API token: shown once, stored as its SHA-256, revocable."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(max_length=12)  # shown in lists, to recognise a token
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # at most a year after creation (tokens.MAX_VALID_DAYS); the contacts are reminded a month before
    expires_at = models.DateTimeField(_("geldig tot"))
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
