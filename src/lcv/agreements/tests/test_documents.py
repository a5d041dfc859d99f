"""R6: the document is rendered once; the final one is sealed; /verificatie/ tells intact from changed."""

from __future__ import annotations

from io import BytesIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from lcv.agreements import documents
from lcv.agreements.documents import CHANGED, NOT_OURS, draft_document, final_document, verify_pdf
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementDocument, AgreementStatus, Signature
from lcv.organisations.models import Sector
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    municipality_organisation("0344")
    make_organisation(name="Zorgverzekeraar Samen", sector=Sector.HEALTH_INSURANCE, national_coverage=True)
    generate_agreements()
    return Agreement.objects.select_related("municipal_party", "partner").get()


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def make_active(agreement):
    sha = draft_document(agreement).sha256
    for party in (agreement.municipal_party, agreement.partner):
        Signature.objects.create(
            agreement=agreement,
            organisation=party,
            signer=member(party, "signatory"),
            ip_address="192.0.2.9",
            document_sha256=sha,
        )
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE)
    agreement.refresh_from_db()
    return agreement


def test_draft_is_rendered_once_with_the_parties_and_the_window(agreement):
    first = draft_document(agreement)
    text = text_of(bytes(first.pdf))
    assert "Gemeente Utrecht" in text
    assert "Zorgverzekeraar Samen" in text
    assert "100" in text  # the health-insurance window of art. 3.1
    with mock.patch.object(documents, "_render_pdf", side_effect=AssertionError("rendered twice")):
        second = draft_document(agreement)
    assert bytes(second.pdf) == bytes(first.pdf)
    assert AgreementDocument.objects.filter(agreement=agreement).count() == 1
    assert len(first.sha256) == 64


def test_final_document_is_sealed_and_verifies_as_intact(agreement):
    final = final_document(make_active(agreement))
    pdf = bytes(final.pdf)
    assert "Verklaring van ondertekening" in text_of(pdf)
    result = verify_pdf(pdf)
    assert result.ok
    assert result.agreement_id == agreement.pk
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    seal = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(seal, ValidationContext(trust_roots=[documents._signer().signing_cert]))
    assert status.intact
    assert status.valid


def test_one_changed_byte_fails_verification(agreement):
    pdf = bytearray(final_document(make_active(agreement)).pdf)
    position = bytes(pdf).index(b"Gemeente Utrecht") if b"Gemeente Utrecht" in pdf else len(pdf) // 3
    pdf[position] = (pdf[position] + 1) % 256
    result = verify_pdf(bytes(pdf))
    assert not result.ok
    assert result.message == CHANGED


def test_a_pdf_that_is_not_ours_fails(agreement):
    result = verify_pdf(bytes(draft_document(agreement).pdf))  # a PDF without our seal
    assert not result.ok
    assert result.message == NOT_OURS


def test_verification_page(client, agreement):
    pdf = bytes(final_document(make_active(agreement)).pdf)
    ok = client.post(reverse("verification:verify"), {"document": SimpleUploadedFile("o.pdf", pdf)})
    assert "Echt en ongewijzigd: overeenkomst nr." in ok.content.decode()
    tampered = bytearray(pdf)
    tampered[len(tampered) // 4] ^= 0x01
    bad = client.post(reverse("verification:verify"), {"document": SimpleUploadedFile("o.pdf", bytes(tampered))})
    assert "gewijzigd" in bad.content.decode() or "geen door het LCV-portaal" in bad.content.decode()
    assert "Echt en ongewijzigd" not in bad.content.decode()
    not_pdf = client.post(reverse("verification:verify"), {"document": SimpleUploadedFile("a.txt", b"hallo")})
    assert "Dit bestand is geen PDF." in not_pdf.content.decode()
    too_big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(reverse("verification:verify"), {"document": too_big})
    assert "groter dan 10 MB" in response.content.decode()


def test_signed_agreement_becomes_active_and_is_sealed_by_the_task(
    agreement, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from lcv.agreements.services import release_agreements
    from lcv.agreements.signing import sign_agreements

    release_agreements(
        agreement_ids=[agreement.pk],
        municipal_party=agreement.municipal_party,
        actor=member(agreement.municipal_party, "contact"),
    )
    for party in (agreement.partner, agreement.municipal_party):
        with django_capture_on_commit_callbacks(execute=True):
            sign_agreements(
                agreement_ids=[agreement.pk],
                organisation=party,
                signer=member(party, "signatory"),
                declared_authorised=True,
                ip_address="192.0.2.1",
                user_agent="Test",
            )
    final = AgreementDocument.objects.get(agreement=agreement, kind="final")
    assert verify_pdf(bytes(final.pdf)).ok
