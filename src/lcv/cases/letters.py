"""R19, contact kind "brief": the municipality's letter offering help, as a PDF for one case.

The municipal party's contact edits the text (plain Dutch, B1) with placeholders; a handler who
may open the case makes the letter, addressed to the case's persons at the address. Placeholders
are filled by our own substitution of known names only (never `str.format`, which would let a
text reach into objects). Making a letter is a view of personal data: it is logged (CaseAccess,
§4) and written in the case's history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lcv.audit.services import record
from lcv.cases.models import BrpStatus, Case, CaseAccess, CaseEvent, LetterTemplate
from lcv.core.pdf import render_pdf
from lcv.organisations.models import Organisation

MAX_LENGTH = 6000
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")
DOCUMENT_LANGUAGE = "nl"

# name -> what it becomes, shown on the editing page
PLACEHOLDERS: dict[str, Any] = {
    "naam": gettext_lazy("de namen van de bewoners aan wie de brief is gericht, bijvoorbeeld 'J. de Vries'"),
    "adres": gettext_lazy("het adres van de woning: straat, huisnummer, postcode en plaats"),
    "gemeente": gettext_lazy("de naam van uw organisatie, bijvoorbeeld 'Gemeente Utrecht'"),
    "behandelaar": gettext_lazy("de naam van de behandelaar die de brief maakt"),
    "telefoon": gettext_lazy("het telefoonnummer voor inwoners (hieronder in te vullen)"),
    "email": gettext_lazy("het e-mailadres voor inwoners (hieronder in te vullen)"),
    "zaaknummer": gettext_lazy("het nummer van de zaak, zodat de inwoner het kan noemen"),
    "datum": gettext_lazy("de datum van vandaag"),
}

DEFAULT_BODY = """Beste {naam},

Wij hebben gehoord dat het betalen van een rekening u misschien moeite kost. Bijvoorbeeld de huur, \
het water, de energie of de zorgverzekering. Dat kan iedereen overkomen.

{gemeente} wil u graag helpen. Liefst zo vroeg mogelijk, voordat het erger wordt. Wij kijken samen \
met u naar uw geldzaken. En we zoeken samen naar een oplossing die bij u past.

Wat kunnen wij doen?
- Wij maken een afspraak met u, bij u thuis of op een andere plek.
- Wij helpen u met uw rekeningen en brieven.
- Wij zoeken uit welke regelingen er voor u zijn.

De hulp is gratis. U zit nergens aan vast. U beslist zelf of u hulp wilt.

Neem contact met ons op. Bel {telefoon} of mail naar {email}. Noem dan het nummer van uw zaak: \
{zaaknummer}.

Met vriendelijke groet,

{behandelaar}
{gemeente}"""


class LetterError(ValueError):
    """A refused letter text, with the Dutch message for the contact."""


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})


def check_body(body: str) -> None:
    if not body.strip():
        raise LetterError(_("De brief is leeg. Schrijf de tekst, of begin opnieuw met de voorbeeldtekst."))
    if len(body) > MAX_LENGTH:
        raise LetterError(_("De brief is te lang: maximaal %(max)s tekens.") % {"max": MAX_LENGTH})
    unknown = unknown_placeholders(body)
    if unknown:
        raise LetterError(
            _("Deze invulvelden kent het portaal niet: %(names)s. Gebruik alleen de invulvelden uit de lijst.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )


def template_of(party: Organisation) -> LetterTemplate:
    """The party's letter, or the default text (not stored) when its contact never saved one."""
    found = LetterTemplate.objects.filter(municipal_party=party).first()
    return found or LetterTemplate(municipal_party=party, body=DEFAULT_BODY, phone="", email="")


@transaction.atomic
def save_template(*, party: Organisation, actor: Any, body: str, phone: str, email: str) -> LetterTemplate:
    """R19: the municipal party's letter text and how residents reach it."""
    body = body.replace("\r\n", "\n").strip()
    check_body(body)
    template, _created = LetterTemplate.objects.update_or_create(
        municipal_party=party,
        defaults={"body": body, "phone": phone.strip(), "email": email.strip(), "updated_by": actor},
    )
    record(action="cases.letter_template_changed", actor=actor, organisation=party, obj=None)
    return template


@dataclass(frozen=True)
class Letter:
    case: Case
    recipients: list[str]
    address_lines: list[str]
    on: date
    body: str
    municipal_party: Organisation

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip("\n") for part in re.split(r"\n\s*\n", self.body) if part.strip()]

    @property
    def file_name(self) -> str:
        """No personal data in the name: only the case number."""
        return f"brief-zaak-{self.case.pk}.pdf"


def _recipients(case: Case) -> list[str]:
    persons = case.persons.exclude(brp_status=BrpStatus.NOT_RESIDENT)
    return [person.name for person in persons] or [_("De bewoners")]


def fill(body: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def compose(case: Case, actor: Any) -> Letter:
    """The letter for this case as the handler will send it (nothing is logged here)."""
    template = template_of(case.municipal_party)
    number = f"{case.house_number} {case.house_number_addition}".strip()
    street = f"{case.street} {number}".strip()
    town = f"{case.postcode[:4]} {case.postcode[4:]}  {case.city}".strip()
    recipients = _recipients(case)
    today = timezone.localdate()
    with translation.override(DOCUMENT_LANGUAGE):
        values = {
            "naam": " en ".join(recipients),
            "adres": f"{street}, {town}",
            "gemeente": case.municipal_party.name,
            "behandelaar": actor.full_name,
            "telefoon": template.phone or _("(telefoonnummer)"),
            "email": template.email or _("(e-mailadres)"),
            "zaaknummer": str(case.pk),
            "datum": f"{today.day}-{today.month:02d}-{today.year}",
        }
    return Letter(
        case=case,
        recipients=recipients,
        address_lines=[*recipients, street, town],
        on=today,
        body=fill(template.body, values),
        municipal_party=case.municipal_party,
    )


def log_view(*, case: Case, actor: Any, organisation: Organisation) -> None:
    """§4: the handler saw the letter's personal data (the preview or the PDF)."""
    CaseAccess.objects.create(case=case, user=actor, organisation=organisation, what="letter")


@transaction.atomic
def make_letter(*, case: Case, actor: Any, organisation: Organisation) -> tuple[Letter, bytes]:
    """R19: the PDF of the letter; logged (§4) and written in the case's history. The caller
    checked that the actor may open the case (policy HANDLE_CASES)."""
    letter = compose(case, actor)
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("cases/settings/letter_pdf.html", {"letter": letter})
    pdf = render_pdf(html)
    log_view(case=case, actor=actor, organisation=organisation)
    CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, event="letter", from_status=case.status, to_status=case.status
    )
    return letter, pdf
