"""The DDAS vocabularies a case is registered in (R19): contact kinds, parts of day and outcomes.

Values are our own identifiers; the labels are the DDAS words exactly (`EnumContactsoort`,
`EnumDagdeel`, `EnumEindresultaat` of the VNG/CBS exchange model v0.9), so the monitor file can be
written from them. The definitions are in our own words, shown where an outcome is chosen.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    EMAIL = "email", "Mail"
    LETTER = "letter", "Brief"
    TEXT_MESSAGE = "text_message", "SMS/Whatsapp"
    PHONE = "phone", "Telefoon"
    HOME_VISIT = "home_visit", "Huisbezoek"
    CARD = "card", "Kaartje"
    OTHER = "other", "Overige"
    ADMINISTRATIVE = "administrative", "Administratief"


class PartOfDay(models.TextChoices):
    MORNING = "morning", "Ochtend"
    AFTERNOON = "afternoon", "Middag"
    EVENING = "evening", "Avond"


class Outcome(models.TextChoices):
    REPEATED = "repeated", "Niet opgepakt: herhaalde melding"
    UNJUSTIFIED = "unjustified", "Niet opgepakt: onterecht signaal"
    DECEASED = "deceased", "Inwoner is overleden"
    NOT_RESIDENT = "not_resident", "Persoon is geen inwoner (meer) in de gemeente"
    OTHER_REASON = "other_reason", "Niet opgepakt: andere reden"
    KNOWN_DEBT_HELP = "known_debt_help", "Inwoner al bekend bij schuldhulpverlening"
    OTHER_TRAJECTORY = "other_trajectory", "Inwoner heeft al een ander lopend traject"
    NO_CONTACT = "no_contact", "Definitief geen contact kunnen krijgen"
    NO_RESPONSE = "no_response", "Geen reactie na eerder contact"
    NO_HELP_WANTED = "no_help_wanted", "Inwoner hoeft geen hulp vanuit vroegsignalering"
    PAID = "paid", "Inwoner heeft zelf al betaald/betalingsregeling getroffen"
    ADVICE = "advice", "(Budget)advies en/of quick fix"
    FOLLOW_UP_FINANCIAL = "follow_up_financial", "Vervolghulp en/of verwijzing financieel"
    REFERRAL_WITHOUT_CONTACT = "referral_without_contact", "Verwijzing zonder contact"
    FOLLOW_UP_NON_FINANCIAL = "follow_up_non_financial", "Vervolghulp en/of verwijzing niet financieel"


# Outcomes that mean the resident accepted help (FACTS.md "Feedback to partners": help accepted)
HELP_ACCEPTED = frozenset(
    {Outcome.ADVICE, Outcome.FOLLOW_UP_FINANCIAL, Outcome.FOLLOW_UP_NON_FINANCIAL, Outcome.REFERRAL_WITHOUT_CONTACT}
)
# Outcomes that are only possible after a conversation with the resident
NEED_REACHED_CONTACT = frozenset(
    {
        Outcome.ADVICE,
        Outcome.FOLLOW_UP_FINANCIAL,
        Outcome.FOLLOW_UP_NON_FINANCIAL,
        Outcome.NO_HELP_WANTED,
        Outcome.NO_RESPONSE,
        Outcome.PAID,
        Outcome.OTHER_TRAJECTORY,
    }
)
# Outcomes that close a case without the resident being picked up ("niet opgepakt" and the like):
# no contact is needed for them
NOT_PICKED_UP = frozenset(
    {
        Outcome.REPEATED,
        Outcome.UNJUSTIFIED,
        Outcome.DECEASED,
        Outcome.NOT_RESIDENT,
        Outcome.OTHER_REASON,
        Outcome.KNOWN_DEBT_HELP,
    }
)

DEFINITIONS: dict[str, Any] = {  # values: lazy Dutch texts
    Outcome.REPEATED: _(
        "Dezelfde partner meldde dezelfde achterstand kort geleden al en die is toen opgepakt; het bedrag is "
        "niet hoger geworden. Is het bedrag gestegen, pak het signaal dan wel op."
    ),
    Outcome.UNJUSTIFIED: _(
        "Het signaal had niet gestuurd mogen worden: bijvoorbeeld een bedrag onder het minimum van de gemeente, "
        "te weinig dagen achterstand, of de partner heeft niet eerst zelf geprobeerd contact te krijgen."
    ),
    Outcome.DECEASED: _("De inwoner is overleden."),
    Outcome.NOT_RESIDENT: _(
        "De persoon woont volgens de BRP niet (meer) in deze gemeente. Verhuisd binnen de gemeente is geen reden: "
        "pak het signaal dan op het nieuwe adres op."
    ),
    Outcome.OTHER_REASON: _(
        "Niet opgepakt om een andere reden, bijvoorbeeld detentie, een onbekende verblijfplaats of een signaal over "
        "een bedrijf. De partner hoort alleen dát het niet is opgepakt, niet waarom."
    ),
    Outcome.KNOWN_DEBT_HELP: _(
        "De inwoner is al in beeld bij de schuldhulpverlening van de gemeente; de schuldhulpverlener neemt contact "
        "op met de inwoner en de schuldeiser."
    ),
    Outcome.OTHER_TRAJECTORY: _(
        "De inwoner heeft al een ander lopend traject (bijvoorbeeld bewind of hulp van een andere organisatie)."
    ),
    Outcome.NO_CONTACT: _("Na meerdere pogingen op verschillende manieren is er geen contact met de inwoner gekomen."),
    Outcome.NO_RESPONSE: _(
        "Er was contact, maar daarna reageerde de inwoner niet meer op een afspraak of vervolgvraag."
    ),
    Outcome.NO_HELP_WANTED: _("De inwoner is bereikt en wil geen hulp vanuit vroegsignalering."),
    Outcome.PAID: _("De inwoner heeft de achterstand zelf betaald of een betalingsregeling met de partner getroffen."),
    Outcome.ADVICE: _(
        "De inwoner accepteert hulp: een (budget)advies of een snelle oplossing, zoals een betalingsregeling "
        "die de hulpverlener samen met de inwoner regelt."
    ),
    Outcome.FOLLOW_UP_FINANCIAL: _(
        "De inwoner accepteert hulp en gaat door naar vervolghulp of een verwijzing op financieel gebied, "
        "zoals schuldhulpverlening."
    ),
    Outcome.REFERRAL_WITHOUT_CONTACT: _(
        "De inwoner is zonder gesprek doorverwezen, bijvoorbeeld omdat een andere hulpverlener al contact heeft."
    ),
    Outcome.FOLLOW_UP_NON_FINANCIAL: _(
        "De inwoner accepteert hulp en gaat door naar vervolghulp of een verwijzing op een ander gebied, "
        "zoals zorg, werk of wonen."
    ),
}
