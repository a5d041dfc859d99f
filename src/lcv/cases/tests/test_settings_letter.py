"""R19, contact kind "brief": the contact edits the letter; a handler who may open the case gets it
as a PDF addressed to the persons at the address; making it is logged (§4) and in the history."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from lcv.audit.models import AuditEvent
from lcv.cases import letters
from lcv.cases.models import CaseAccess, CaseEvent, LetterTemplate
from lcv.cases.tests.settings_support import client_for, contact_of
from lcv.testing.factories import member

TEMPLATE = reverse("case_settings:letter_template")


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_r19_the_contact_starts_from_the_plain_default_and_sees_the_placeholders(chain):
    body = client_for(contact_of(chain.utrecht)).get(TEMPLATE).content.decode()
    assert "U heeft de brief nog niet opgeslagen." in body
    assert "De hulp is gratis. U zit nergens aan vast." in body
    for name in ("naam", "adres", "gemeente", "behandelaar", "telefoon"):
        assert "{" + name + "}" in body
    # B1: short sentences in the default text
    sentences = [s for s in letters.DEFAULT_BODY.replace("\n", " ").split(".") if s.strip()]
    assert max(len(s.split()) for s in sentences) <= 20


def test_r19_the_contact_saves_the_letter_and_an_unknown_placeholder_is_refused(chain):
    contact = contact_of(chain.utrecht)
    client = client_for(contact)
    body = client.post(TEMPLATE, {"body": "Beste {naam}, bel {nummer}.", "phone": "", "email": ""}).content.decode()
    assert "Deze invulvelden kent het portaal niet: {nummer}." in body
    assert "Beste {naam}, bel {nummer}." in body
    assert not LetterTemplate.objects.exists()
    response = client.post(
        TEMPLATE, {"body": "Beste {naam},\n\nBel ons: {telefoon}.", "phone": "030 123 45 67", "email": ""}
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get(municipal_party=chain.utrecht)
    assert (template.phone, template.updated_by) == ("030 123 45 67", contact)
    assert AuditEvent.objects.filter(action="cases.letter_template_changed", actor=contact).exists()


def test_r19_placeholders_cannot_reach_into_objects(chain):
    assert letters.fill("{naam.__class__} {naam}", {"naam": "A"}) == "{naam.__class__} A"
    assert letters.unknown_placeholders("{naam.__class__}") == ["naam.__class__"]


def test_r19_a_handler_previews_and_downloads_the_letter_addressed_to_the_persons(chain):
    chain.deliver(chain.water, [chain.signal(chain.water)])
    case = chain.open_case()
    LetterTemplate.objects.create(
        municipal_party=chain.utrecht,
        body="Beste {naam},\n\n{gemeente} helpt u graag. Bel {telefoon}. Zaak {zaaknummer}.\n\n{behandelaar}",
        phone="030 123 45 67",
        updated_by=contact_of(chain.utrecht),
    )
    client = client_for(chain.handler)
    url = reverse("case_settings:letter", args=[case.pk])
    preview = client.get(url).content.decode()
    assert "J.A. van der Berg" in preview
    assert "Oudegracht 12 B" in preview
    assert "Gemeente Utrecht helpt u graag. Bel 030 123 45 67." in preview
    response = client.post(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="brief-zaak-{case.pk}.pdf"'
    text = _text(response.content)
    for words in ("J.A. van der Berg", "Oudegracht 12 B", "3511 AB", "Bea Handel", f"Zaak {case.pk}"):
        assert words in text
    assert list(CaseAccess.objects.filter(case=case).values_list("user", "what")) == [
        (chain.handler.pk, "letter"),
        (chain.handler.pk, "letter"),
    ]
    assert CaseEvent.objects.filter(case=case, event="letter", actor=chain.handler).count() == 1


def test_r19_only_someone_who_may_open_the_case_gets_its_letter(chain):
    chain.deliver(chain.water, [chain.signal(chain.water)])
    case = chain.open_case()
    url = reverse("case_settings:letter", args=[case.pk])
    zeist_handler = member(chain.zeist, "handler", email="h@zeist.nl")
    for user, status in ((zeist_handler, 404), (contact_of(chain.utrecht), 403)):
        client = client_for(user)
        assert client.get(url).status_code == status
        response = client.post(url)
        assert response.status_code == status
        assert b"%PDF" not in response.content
    assert not CaseAccess.objects.exists()
    assert not CaseEvent.objects.filter(event="letter").exists()
