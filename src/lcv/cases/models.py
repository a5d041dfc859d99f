"""Case handling at the municipality (R15-R19): cases per household, the persons in them, the
signals they hold, the handler's work (contact attempts, notes, outcome) and its history, the work
trays and their triage rules, the priority weights, executors' mandates and the access log.

A case (vroegsignaalzaak) is the household at one delivery address of one receiving municipal party
(R18); at most one case per address is open at a time (constraint `one_open_case_per_household`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lcv.cases.outcomes import ContactKind, Outcome, PartOfDay
from lcv.organisations.models import Municipality, Organisation
from lcv.signals.models import Signal


class CaseStatus(models.TextChoices):
    NEW = "new", _("Nieuw")
    IN_PROGRESS = "in_progress", _("In behandeling")
    HELP_ACCEPTED = "help_accepted", _("Hulp geaccepteerd")
    CLOSED = "closed", _("Afgesloten")


class BrpStatus(models.TextChoices):
    """R17: where the BRP check of a case stands."""

    OFF = "off", _("Geen BRP-controle ingesteld")
    PENDING = "pending", _("Wacht op de BRP-controle")
    RETRYING = "retrying", _("BRP niet bereikbaar, wordt opnieuw geprobeerd")
    MATCHED = "matched", _("Gevonden in de BRP")
    MISMATCH = "mismatch", _("Niet eenduidig gevonden: kies de persoon")
    NOT_RESIDENT = "not_resident", _("Woont volgens de BRP niet op dit adres")
    MANUAL = "manual", _("Door behandelaar beoordeeld")


class Approach(models.TextChoices):
    CARD = "card", _("Kaartje of brief")
    PHONE = "phone", _("Telefoon")
    HOME_VISIT = "home_visit", _("Huisbezoek")


class DueKind(models.TextChoices):
    FIRST_ACTION = "first_action", _("Hulp aanbieden binnen 4 weken")
    URGENT = "urgent", _("Hulp aanbieden binnen 3 werkdagen")
    PLAN = "plan", _("Plan binnen 8 weken na acceptatie")


class CaseSettings(models.Model):
    """Per municipal party: when cases enter the trays (R18 matching moment) and the BRP check (R17)."""

    class Matching(models.TextChoices):
        MONTHLY = "monthly", _("Maandelijks, na het aanleverweek (eerste werkdag na de 25e)")
        DIRECT = "direct", _("Direct bij binnenkomst")

    municipal_party = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="case_settings")
    matching = models.CharField(_("matchingsmoment"), max_length=10, choices=Matching.choices, default=Matching.MONTHLY)
    matching_day = models.PositiveSmallIntegerField(_("matchen na dag van de maand"), default=25)
    brp_check = models.BooleanField(_("BRP-controle"), default=True)
    # priority weights (R18): the formula is in priority.py; partners weigh equally (FAQ 32)
    weight_claims = models.PositiveSmallIntegerField(_("per achterstand"), default=10)
    weight_sectors = models.PositiveSmallIntegerField(_("per extra sector"), default=20)
    weight_crisis = models.PositiveSmallIntegerField(_("crisis of bedreigende situatie"), default=50)
    weight_shut_off = models.PositiveSmallIntegerField(_("afsluitsignaal"), default=40)
    weight_end_of_supply = models.PositiveSmallIntegerField(_("eindeleveringssignaal"), default=30)
    weight_amount = models.PositiveSmallIntegerField(_("per € 100 achterstand"), default=2)
    weight_months = models.PositiveSmallIntegerField(_("per maand achterstand"), default=3)
    weight_earlier = models.PositiveSmallIntegerField(_("per eerdere zaak (6 maanden)"), default=15)

    def __str__(self) -> str:
        return f"instellingen {self.municipal_party_id}"


class Tray(models.Model):
    """A work tray (werkbakje) of a municipal party, with the approach its cases get by default."""

    municipal_party = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="trays")
    name = models.CharField(_("naam"), max_length=100)
    approach = models.CharField(_("aanpak"), max_length=12, choices=Approach.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["municipal_party_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["municipal_party", "name"], name="one_tray_name_per_party")]

    def __str__(self) -> str:
        return self.name


class TriageRule(models.Model):
    """A condition -> tray. Rules are tried in order; the first that fits decides; a case no rule
    fits goes to the party's last tray. Empty conditions are not checked."""

    municipal_party = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="triage_rules")
    tray = models.ForeignKey(Tray, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    multiple = models.BooleanField(_("meerdere sectoren"), null=True, blank=True)
    urgent = models.BooleanField(_("crisis, afsluiting of bedreigende situatie"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    amount_above = models.PositiveIntegerField(_("bedrag boven (euro)"), null=True, blank=True)
    under_27 = models.BooleanField(_("jonger dan 27"), null=True, blank=True)
    postcode_from = models.PositiveSmallIntegerField(_("postcode vanaf (4 cijfers)"), null=True, blank=True)
    postcode_to = models.PositiveSmallIntegerField(_("postcode tot en met (4 cijfers)"), null=True, blank=True)

    class Meta:
        ordering = ["municipal_party_id", "position", "id"]

    def __str__(self) -> str:
        return f"regel {self.position} → {self.tray_id}"


class Case(models.Model):
    """A vroegsignaalzaak: the household at one delivery address (R18). Counters and flags are
    kept by grouping.py from the signals it holds, so trays sort and filter without joins."""

    municipal_party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases", db_index=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    postcode = models.CharField(_("postcode"), max_length=6)
    house_number = models.PositiveIntegerField(_("huisnummer"))
    # the addition as compared: upper case, no spaces or hyphens ("5 bis" and "5-BIS" are one address)
    addition_key = models.CharField(max_length=10, db_default="")
    house_number_addition = models.CharField(_("toevoeging"), max_length=10, db_default="")
    street = models.CharField(_("straat"), max_length=200, db_default="")
    city = models.CharField(_("woonplaats"), max_length=100, db_default="")
    is_open = models.BooleanField(db_default=True)
    status = models.CharField(_("status"), max_length=15, choices=CaseStatus.choices, db_default=CaseStatus.NEW)
    outcome = models.CharField(_("resultaat"), max_length=30, choices=Outcome.choices, db_default="")
    proposed_outcome = models.CharField(
        _("voorgesteld resultaat"), max_length=30, choices=Outcome.choices, db_default=""
    )
    opened_at = models.DateTimeField(_("aangemaakt"))
    first_received_at = models.DateTimeField(_("eerste signaal ontvangen"))
    last_signal_at = models.DateTimeField(_("laatste signaal ontvangen"))
    # R18 matching moment: in the trays from then on (null: not yet decided)
    enters_at = models.DateTimeField(_("in de werkbak vanaf"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten"), null=True, blank=True)
    # aggregates of the signals (grouping.py)
    signal_count = models.PositiveIntegerField(_("signalen"), db_default=0)
    claim_count = models.PositiveIntegerField(_("achterstanden"), db_default=0)
    sector_count = models.PositiveSmallIntegerField(_("sectoren"), db_default=0)
    has_housing = models.BooleanField(db_default=False)
    has_water = models.BooleanField(db_default=False)
    has_energy = models.BooleanField(db_default=False)
    has_health_insurance = models.BooleanField(db_default=False)
    total_euros = models.PositiveIntegerField(_("totaal achterstand (euro)"), db_default=0)
    max_days_in_arrears = models.PositiveIntegerField(_("langste achterstand (dagen)"), db_default=0)
    crisis = models.BooleanField(_("crisis"), db_default=False)
    shut_off = models.BooleanField(_("afsluitsignaal"), db_default=False)
    end_of_supply = models.BooleanField(_("eindeleveringssignaal"), db_default=False)
    warm_transfer = models.BooleanField(_("warme overdracht"), db_default=False)
    # R15: the handler judged the situation threatening (3 working days)
    threatening = models.BooleanField(_("bedreigende situatie"), db_default=False)
    # R15: since when the 3-working-day term runs: the first crisis or shut-off signal's receipt, or
    # the moment the handler marked the situation threatening
    urgent_since = models.DateTimeField(null=True, blank=True)
    youngest_birth_date = models.DateField(null=True, blank=True)
    earlier_cases = models.PositiveSmallIntegerField(_("eerdere zaken (6 maanden)"), db_default=0)
    # a signal that matters arrived after the case was made (higher amount, other sector, shut-off)
    has_news = models.BooleanField(_("nieuw signaal"), db_default=False)
    score = models.IntegerField(_("prioriteit"), db_default=0)
    tray = models.ForeignKey(Tray, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    first_action_at = models.DateTimeField(_("eerste actie"), null=True, blank=True)
    help_accepted_on = models.DateField(_("hulp geaccepteerd op"), null=True, blank=True)
    # R15, R19: the one deadline that counts now (deadlines.py), null when none runs
    due_on = models.DateField(_("uiterlijk"), null=True, blank=True)
    due_kind = models.CharField(max_length=15, choices=DueKind.choices, db_default="")
    brp_status = models.CharField(max_length=15, choices=BrpStatus.choices, db_default=BrpStatus.PENDING)
    brp_attempts = models.PositiveSmallIntegerField(db_default=0)
    brp_checked_at = models.DateTimeField(null=True, blank=True)
    # while the BRP is unavailable: the next try, after a pause that grows with brp_attempts
    brp_retry_at = models.DateTimeField(null=True, blank=True)
    # the last grouping run that changed it: the run's later steps find their cases by it
    touched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "-score", "id"]
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")
        constraints = [
            models.UniqueConstraint(
                fields=["municipal_party", "postcode", "house_number", "addition_key"],
                condition=Q(is_open=True),
                name="one_open_case_per_household",
            )
        ]
        indexes = [
            models.Index(fields=["municipal_party", "is_open", "due_on", "score"], name="case_tray_order"),
            # closed cases at an address ("eerder gesignaleerd"); open ones are found by the unique index.
            # Partial indexes: a case made or updated by grouping writes no entry in them (bench_cases.py)
            models.Index(
                fields=["municipal_party", "postcode", "house_number", "addition_key"],
                condition=Q(is_open=False),
                name="case_address_closed",
            ),
            models.Index(fields=["handler"], condition=Q(handler__isnull=False), name="case_handler"),
            models.Index(fields=["touched_at", "municipal_party"], name="case_touched"),
        ]

    def __str__(self) -> str:
        return f"zaak {self.pk}"

    @property
    def address(self) -> str:
        number = f"{self.house_number} {self.house_number_addition}".strip()
        return f"{self.street} {number}, {self.postcode[:4]} {self.postcode[4:]} {self.city}".strip()


class CasePerson(models.Model):
    """A person at the address, as signalled (normalised surname + birth date) and, once the BRP
    check found them, with their BSN (R17)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    surname_key = models.CharField(max_length=200)
    birth_key = models.CharField(max_length=10, db_default="")  # ISO date or empty
    initials = models.CharField(_("voorletters"), max_length=20, db_default="")
    prefix = models.CharField(_("tussenvoegsel"), max_length=20, db_default="")
    surname = models.CharField(_("achternaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, db_default="")
    brp_status = models.CharField(max_length=15, choices=BrpStatus.choices, db_default=BrpStatus.PENDING)
    known_at_debt_help = models.BooleanField(db_default=False)

    class Meta:
        ordering = ["case_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "surname_key", "birth_key"], name="one_person_per_name_and_birth")
        ]

    def __str__(self) -> str:
        return f"persoon {self.pk}"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.initials, self.prefix, self.surname) if part)


class CaseSignal(models.Model):
    """Which case holds a signal. One case per signal (the signal's identity, R18)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(CasePerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="links")
    joined_at = models.DateTimeField()
    # a repeat of a claim the case already holds, with an amount that is not higher: updated quietly
    quiet = models.BooleanField(db_default=False)

    class Meta:
        indexes = [models.Index(fields=["case"], name="casesignal_case")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.signal_id}"


class CaseEvent(models.Model):
    """The case's history: append-only (one row per step, never changed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=30)
    from_status = models.CharField(max_length=15, db_default="")
    to_status = models.CharField(max_length=15, db_default="")
    detail = models.CharField(max_length=300, db_default="")

    class Meta:
        ordering = ["case_id", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.event}"


class ContactAttempt(models.Model):
    """R19: a contact attempt in the DDAS terms (kind, reached or not, date, part of day)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(_("soort contact"), max_length=15, choices=ContactKind.choices)
    reached = models.BooleanField(_("bereikt"))
    on = models.DateField(_("datum"))
    part_of_day = models.CharField(_("dagdeel"), max_length=10, choices=PartOfDay.choices, blank=True)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("notitie"), max_length=2000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "-written_at", "-id"]

    def __str__(self) -> str:
        return f"notitie {self.pk}"


class Mandate(models.Model):
    """R16: the municipal party outsources handling to an executor: from, until, which trays (none
    chosen: all). The municipality stays controller."""

    municipal_party = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="mandates_given")
    executor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mandates")
    valid_from = models.DateField(_("vanaf"))
    valid_until = models.DateField(_("tot en met"), null=True, blank=True)
    trays = models.ManyToManyField(Tray, blank=True, related_name="mandates", verbose_name=_("werkbakken"))
    # without BRP access the executor sees a case only after the BRP check has been done
    brp_access = models.BooleanField(_("uitvoerder raadpleegt zelf de BRP"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipal_party_id", "-valid_from"]

    def __str__(self) -> str:
        return f"mandaat {self.pk}"


class CaseAccess(models.Model):
    """§4: every view of a resident's data: who, when, which case (and which person)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    what = models.CharField(max_length=20)  # "case", "person", "letter", "export"
    person = models.ForeignKey(CasePerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.case_id}"


class LetterTemplate(models.Model):
    """R19: the municipality's letter for the contact kind "brief" (plain Dutch, B1)."""

    municipal_party = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="letter_template")
    body = models.TextField(_("tekst van de brief"), max_length=6000)
    # how residents reach the municipality, filled in for {telefoon} and {email} (letters.py)
    phone = models.CharField(_("telefoonnummer voor inwoners"), max_length=30, db_default="")
    email = models.EmailField(_("e-mailadres voor inwoners"), max_length=200, db_default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"brief {self.municipal_party_id}"


class GroupedDelivery(models.Model):
    """A processed delivery whose signals are in cases (grouping.py); the sweep skips these."""

    delivery = models.OneToOneField("signals.Delivery", on_delete=models.CASCADE, primary_key=True, related_name="+")
    grouped_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"gegroepeerd {self.delivery_id}"


class DeadlineDigest(models.Model):
    """R15, R19: the daily deadline e-mail a handler got (digest.py): one per person per day, so a
    retried run sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "on"], name="one_deadline_digest_per_day")]

    def __str__(self) -> str:
        return f"overzicht {self.user_id} {self.on}"
