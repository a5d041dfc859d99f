"""R6: the document is rendered once; the final one is sealed; /verificatie/ tells intact from changed."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta
from io import BytesIO
from unittest import mock

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from lcv.agreements import documents
from lcv.agreements.documents import (
    CHANGED,
    INCOMPLETE,
    NOT_OURS,
    NOT_PDF,
    draft_document,
    final_document,
    verify_pdf,
)
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementDocument, AgreementStatus, DocumentKind, Signature
from lcv.agreements.seal_certificate import create_self_signed_pkcs12
from lcv.core.pdf import render_pdf
from lcv.organisations.models import Sector
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    municipality_organisation("0344")
    make_organisation(name="Zorgverzekeraar Samen", sector=Sector.HEALTH_INSURANCE, national_coverage=True)
    generate_agreements()
    return Agreement.objects.select_related("municipal_party", "partner").get()


@pytest.fixture
def sealed(agreement):
    return bytes(final_document(make_active(agreement)).pdf)


def text_of(pdf: bytes) -> str:
    """The text with every run of white space as one space (table cells wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())


def make_active(agreement):
    """Straight into the database: the signing flow has its own tests (test_signing.py)."""
    sha = draft_document(agreement).sha256
    for party in (agreement.municipal_party, agreement.partner):
        Signature.objects.create(
            agreement=agreement,
            organisation=party,
            signer=member(party, "signatory", full_name=f"Tekenaar {party.name}"),
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
    with mock.patch("weasyprint.HTML", side_effect=AssertionError("rendered twice")):
        second = draft_document(agreement)
    assert bytes(second.pdf) == bytes(first.pdf)
    assert AgreementDocument.objects.filter(agreement=agreement).count() == 1
    assert first.sha256 == documents.hashlib.sha256(bytes(first.pdf)).hexdigest()


def test_draft_is_dutch_whatever_the_language_of_the_request(agreement):
    with translation.override("en"):
        text = text_of(bytes(draft_document(agreement).pdf))
    assert "Zorgverzekering" in text  # the sector label of art. 3.1, not "Health insurance"
    assert "Drinkwater" in text


def test_a_race_keeps_the_first_stored_document(agreement):
    first = draft_document(agreement)
    with mock.patch.object(AgreementDocument.objects, "filter") as no_existing:
        no_existing.return_value.first.return_value = None  # as if another process had not stored it yet
        again = draft_document(agreement)
    assert again.pk == first.pk


def test_the_renderer_fetches_nothing_from_the_network():
    # WeasyPrint turns a fetcher's exception into a warning, so record the calls instead of raising
    from weasyprint.urls import URLFetcher

    html = '<img src="http://192.0.2.1/logo.png"><link rel="stylesheet" href="file:///etc/hostname"><p>tekst</p>'
    with (
        mock.patch.object(socket.socket, "connect") as connect,
        mock.patch.object(URLFetcher, "open") as opener,
    ):
        pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert not connect.called
    assert not opener.called


def test_final_document_is_sealed_and_verifies_as_intact(agreement, sealed):
    text = text_of(sealed)
    assert "Verklaring van ondertekening" in text
    assert "Tekenaar Gemeente Utrecht" in text
    assert "192.0.2.9" in text
    assert draft_document(agreement).sha256 in text.replace(" ", "")
    assert AgreementDocument.objects.get(agreement=agreement, kind=DocumentKind.FINAL).sha256 == (
        documents.hashlib.sha256(sealed).hexdigest()
    )

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    seal = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    trust = ValidationContext(trust_roots=[documents._signer().signing_cert], allow_fetching=False)
    status = validate_pdf_signature(seal, trust)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert str(seal.sig_object["/Reason"]) == f"LCV-portaal overeenkomst {agreement.pk}"

    result = verify_pdf(sealed)
    assert result.ok
    assert result.agreement_id == agreement.pk
    assert result.issued_copy
    assert result.sealed_at is not None


def test_final_document_is_made_once_and_only_for_an_active_agreement(agreement):
    with pytest.raises(ValueError, match="active"):
        final_document(agreement)
    first = final_document(make_active(agreement))
    with mock.patch.object(documents, "seal", side_effect=AssertionError("sealed twice")):
        assert final_document(agreement).pk == first.pk


def test_one_changed_byte_fails_verification(sealed):
    tampered = bytearray(sealed)
    tampered[len(tampered) // 3] ^= 0x01  # inside the draft's pages
    result = verify_pdf(bytes(tampered))
    assert not result.ok
    assert result.message_nl == CHANGED


def test_a_changed_agreement_number_fails_verification(agreement, sealed):
    reason = f"(LCV\\055portaal overeenkomst {agreement.pk})".encode()  # as pyHanko writes the signed /Reason
    other = f"(LCV\\055portaal overeenkomst {agreement.pk + 1})".encode()[: len(reason)]
    assert reason in sealed
    assert verify_pdf(sealed.replace(reason, other)).message_nl == CHANGED


def test_anything_added_after_sealing_fails_verification(sealed):
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    writer.root[NameObject("/Lang")] = TextStringObject("en")  # a valid incremental update
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    assert verify_pdf(out.getvalue()).message_nl == CHANGED


def test_a_pdf_that_is_not_ours_fails(agreement, settings, tmp_path, sealed):
    assert verify_pdf(bytes(draft_document(agreement).pdf)).message_nl == NOT_OURS  # no seal at all
    assert verify_pdf(b"hallo, ik ben geen PDF").message_nl == NOT_PDF

    # sealed with our field name and reason, by somebody else's certificate
    forged = tmp_path / "other.p12"
    create_self_signed_pkcs12(forged, password=b"x", common_name="LCV-portaal (demo)")
    ours = (settings.LCV_SEAL_PKCS12, settings.LCV_SEAL_PASSWORD)
    settings.LCV_SEAL_PKCS12, settings.LCV_SEAL_PASSWORD = str(forged), "x"
    other = documents.seal(bytes(draft_document(agreement).pdf), agreement_id=agreement.pk)
    settings.LCV_SEAL_PKCS12, settings.LCV_SEAL_PASSWORD = ours
    assert verify_pdf(other).message_nl == NOT_OURS


def test_an_intact_seal_that_is_not_the_stored_copy_is_genuine_but_says_so(agreement, sealed):
    AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.FINAL).delete()
    result = verify_pdf(sealed)
    assert result.ok
    assert result.agreement_id == agreement.pk
    assert not result.issued_copy


def post(client, name, content):
    return client.post(reverse("verification:verify"), {"document": SimpleUploadedFile(name, content)})


def test_verification_page(client, agreement, sealed):
    assert client.get(reverse("verification:verify")).status_code == 200
    page = post(client, "o.pdf", sealed).content.decode()
    assert f"Echt en ongewijzigd: overeenkomst nr. {agreement.pk} tussen Gemeente Utrecht en Zorgverzekeraar Samen" in (
        page
    )
    assert "verzegeld op" in page
    assert "niet precies het exemplaar" not in page

    tampered = bytearray(sealed)
    tampered[len(tampered) // 4] ^= 0x01
    page = post(client, "o.pdf", bytes(tampered)).content.decode()
    assert "Dit document is na het verzegelen gewijzigd" in page
    assert "Echt en ongewijzigd" not in page

    page = post(client, "o.pdf", bytes(draft_document(agreement).pdf)).content.decode()
    assert "Dit is geen door het LCV-portaal verzegelde overeenkomst" in page

    page = post(client, "a.txt", b"hallo").content.decode()
    assert "Dit bestand is geen PDF." in page
    assert 'id="id_document_error"' in page  # next to the field

    page = post(client, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)).content.decode()
    assert "groter dan 10 MB" in page
    assert "Echt en ongewijzigd" not in page


def test_a_truncated_file_is_called_incomplete_not_no_pdf(client, sealed):
    for cut in (sealed[: len(sealed) // 2], sealed[:-20], sealed[:2000]):
        assert verify_pdf(cut).message_nl == INCOMPLETE
    page = post(client, "o.pdf", sealed[: len(sealed) // 2]).content.decode()
    assert "onvolledig of beschadigd" in page
    assert "Download de overeenkomst opnieuw" in page
    assert "geen PDF" not in page
    assert "Echt en ongewijzigd" not in page


def test_verification_page_says_the_agreements_current_status(client, agreement, sealed):
    def status_line():
        page = post(client, "o.pdf", sealed).content.decode()
        assert "Echt en ongewijzigd" in page
        found = re.search(r'data-testid="verify-status"><strong>(.*?)</strong>', page)
        return found.group(1) if found else None

    assert status_line() == "De overeenkomst is nu actief."
    later = timezone.localdate() + timedelta(days=40)
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=later)
    assert status_line() == f"Let op: de overeenkomst is opgezegd en eindigt per {later:%d-%m-%Y}."
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED, ends_on=date(2027, 3, 1))
    assert status_line() == "Let op: de overeenkomst is beëindigd per 01-03-2027."


def test_the_verification_page_is_linked_from_the_agreement_and_the_footer(client, agreement, sealed):
    from lcv.testing.auth import login_verified

    url = reverse("verification:verify")
    assert f'href="{url}"' in client.get(url).content.decode()  # footer, for anyone
    login_verified(client, member(agreement.municipal_party, "contact"))
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    link = re.search(r'<a [^>]*data-testid="verify-link"[^>]*>', page)
    assert link is not None
    assert f'href="{url}"' in link.group(0)
    assert page.index("Verzegelde overeenkomst downloaden") < page.index('data-testid="verify-link"')


def test_verification_page_in_english(client, sealed):
    client.cookies["django_language"] = "en"
    tampered = bytearray(sealed)
    tampered[len(tampered) // 4] ^= 0x01
    page = post(client, "o.pdf", bytes(tampered)).content.decode()
    assert "Dit document" not in page
    assert "changed" in page


def test_create_seal_certificate_is_idempotent_and_makes_a_seal_certificate(settings, tmp_path):
    settings.LCV_SEAL_PKCS12 = str(tmp_path / "seal" / "platform-seal.p12")
    settings.LCV_SEAL_PASSWORD = "geheim"
    call_command("create_seal_certificate", verbosity=0)
    data = (tmp_path / "seal" / "platform-seal.p12").read_bytes()
    call_command("create_seal_certificate", verbosity=0)
    assert (tmp_path / "seal" / "platform-seal.p12").read_bytes() == data

    key, certificate, _ = pkcs12.load_key_and_certificates(data, b"geheim")
    assert key is not None
    assert certificate is not None
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    assert not usage.key_cert_sign
    assert certificate.subject.rfc4514_string().startswith("C=NL,O=LCV-portaal,CN=LCV-portaal (demo)")
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days >= 5 * 365

    settings.LCV_SEAL_PASSWORD = "ander"
    with pytest.raises(CommandError, match="does not open"):
        call_command("create_seal_certificate", verbosity=0)


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


def test_only_the_sealing_process_loads_the_seal_key_and_verification_needs_only_the_certificate(
    client, agreement, sealed, settings, django_capture_on_commit_callbacks
):
    """Web processes never load the private key, not even for /verificatie/: checking a seal reads
    the PEM certificate; a download of an active agreement not yet sealed asks the worker."""
    from lcv.testing.auth import login_verified

    documents.disable_sealing()
    try:
        with mock.patch.object(documents, "_load_signer", side_effect=AssertionError("key loaded")):
            assert verify_pdf(sealed).ok
            page = post(client, "o.pdf", sealed).content.decode()
            assert "Echt en ongewijzigd" in page
            with pytest.raises(documents.SealingNotHere):
                documents.seal(b"%PDF-1.7", agreement_id=agreement.pk)
            AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.FINAL).delete()
            login_verified(client, member(agreement.municipal_party, "contact"))
            with django_capture_on_commit_callbacks() as callbacks:
                response = client.get(reverse("agreements:document", args=[agreement.pk]))
        assert response.status_code == 202
        assert "Het document wordt verzegeld" in response.content.decode()
        assert len(callbacks) == 1  # the sealing task is queued for the worker
    finally:
        documents.enable_sealing()


def test_outside_demo_mode_the_seal_key_must_have_a_password(agreement, settings):
    settings.LCV_DEMO = False
    settings.LCV_SEAL_PASSWORD = ""
    with pytest.raises(documents.ImproperlyConfigured, match="LCV_SEAL_PASSWORD"):
        documents.seal(b"%PDF-1.7", agreement_id=agreement.pk)


def test_the_certificate_is_written_beside_an_older_seal_file(settings, tmp_path):
    settings.LCV_SEAL_PKCS12 = str(tmp_path / "seal" / "platform-seal.p12")
    settings.LCV_SEAL_PASSWORD = "geheim"
    call_command("create_seal_certificate", verbosity=0)
    pem = tmp_path / "seal" / "platform-seal.pem"
    assert pem.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE KEY" not in pem.read_bytes()
    pem.unlink()  # a demo installation from before the PEM existed
    call_command("create_seal_certificate", verbosity=0)
    assert pem.exists()


def test_a_document_download_is_audited(client, agreement):
    from lcv.audit.models import AuditEvent
    from lcv.testing.auth import login_verified

    contact = member(agreement.partner, "contact")
    login_verified(client, contact)
    assert client.get(reverse("agreements:document", args=[agreement.pk])).status_code == 200
    event = AuditEvent.objects.get(action="agreements.document_downloaded")
    assert (event.actor, event.object_id, event.details) == (contact, str(agreement.pk), {"final": False})


@pytest.mark.parametrize(
    ("system", "label"),
    [("lcv", "LCV-portaal"), ("vps", "VPS (BKR)"), ("ris", "xxllnc/RIS (Inforing)")],
)
def test_the_document_names_the_exchange_system_of_the_agreement(agreement, system, label):
    """Issue 10: step 2 of the process, the chosen system "komt in de overeenkomst te staan". The
    agreement's own choice is printed, not the placeholder and not the party's later choice."""
    Agreement.objects.filter(pk=agreement.pk).update(signal_system=system)
    agreement.refresh_from_db()
    agreement.municipal_party.signal_system = "other"
    agreement.municipal_party.save()
    text = text_of(bytes(draft_document(agreement).pdf))
    assert f"Voor de uitwisseling van signalen heeft de gemeente gekozen voor: {label}." in text
    assert "nog te kiezen" not in text


def test_the_current_text_has_no_fixed_delivery_date_and_no_blank_signature_lines(agreement):
    """Issue 10: art. 3.5 fixed the 20th-25th as a duty while FAQ 25 says no fixed date was agreed,
    and the sealed PDF kept blank "namens deze: ____" lines. A new text version corrects both;
    version 1 stays as it was for the agreements signed under it."""
    from lcv.agreements.reference import TEXT_V2, current_template

    assert current_template().template_name == TEXT_V2
    assert agreement.template.template_name == TEXT_V2
    text = text_of(bytes(draft_document(agreement).pdf))
    assert "Partijen leggen geen vaste aanleverdatum vast" in text
    assert "levert maandelijks aan, tussen de 20e en de 25e" not in text
    assert "namens deze" not in text
    assert "verklaring van ondertekening" in text
    assert "LCV-portaal" in text.split("3.2", 1)[1][:400]
    sealed_text = text_of(bytes(final_document(make_active(agreement)).pdf))
    assert "zij vervangt handtekeningen op de voorgaande pagina's" in sealed_text


def test_version_1_keeps_its_text(agreement):
    from lcv.agreements.models import AgreementTemplate
    from lcv.agreements.reference import ensure_template_v1

    v1 = ensure_template_v1()
    assert AgreementTemplate.objects.get(version=1).template_name.endswith("lcv_v1.html")
    Agreement.objects.filter(pk=agreement.pk).update(template=v1)
    agreement.refresh_from_db()
    text = text_of(bytes(draft_document(agreement).pdf))
    assert "levert maandelijks aan, tussen de 20e en de 25e" in text


def test_only_a_starting_worker_enables_sealing(monkeypatch):
    from lcv.core.hooks import worker_starting

    warmed = []
    monkeypatch.setattr(documents, "warm_up_in_background", lambda: warmed.append(True))
    documents.disable_sealing()
    try:
        worker_starting.send(sender=None)
        assert documents._sealing_enabled
        assert warmed == [True]
    finally:
        documents.enable_sealing()
