"""R6: agreement documents. The draft PDF is rendered once from the template version and stored with
its SHA-256; it is never rendered again. The final document is the draft plus a Dutch signature page
("verklaring van ondertekening"), sealed with a PAdES signature by the platform's certificate, so
any change shows. `verify_pdf` answers the public /verificatie/ page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lcv.agreements.models import Agreement, AgreementDocument, AgreementStatus, DocumentKind
from lcv.organisations.models import Sector

SEAL_FIELD = "LCV-portaal-zegel"
REASON_PREFIX = "LCV-portaal overeenkomst "


def _no_network_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class NoNetwork(URLFetcher):
        """Documents use no outside resources: every URL is refused."""

        def __call__(self, url: str) -> Any:
            raise ValueError(f"external resources are not allowed: {url[:60]}")

    return NoNetwork()


def _render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_no_network_fetcher()).write_pdf())


def _context(agreement: Agreement) -> dict[str, Any]:
    windows = agreement.template.windows
    labels = dict(Sector.choices)
    return {
        "agreement": agreement,
        "template": agreement.template,
        "municipal_party": agreement.municipal_party,
        "partner": agreement.partner,
        "executor": agreement.executor,
        "window": windows.get(agreement.partner.sector),
        "windows": [{"sector": key, "label": str(labels.get(key, key)), **value} for key, value in windows.items()],
        "signal_system_label": agreement.municipal_party.get_signal_system_display(),
        "generated_on": timezone.localtime(agreement.created_at).date(),
    }


def _store(agreement: Agreement, kind: DocumentKind, pdf: bytes) -> AgreementDocument:
    try:
        with transaction.atomic():
            return AgreementDocument.objects.create(
                agreement=agreement, kind=kind, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
            )
    except IntegrityError:  # rendered at the same moment elsewhere: the first one stays
        return AgreementDocument.objects.get(agreement=agreement, kind=kind)


def draft_document(agreement: Agreement) -> AgreementDocument:
    """The document to sign: stored, or rendered now, once."""
    existing = AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.DRAFT).first()
    if existing is not None:
        return existing
    agreement = Agreement.objects.select_related("template", "municipal_party", "partner", "executor").get(
        pk=agreement.pk
    )
    html = render_to_string(agreement.template.template_name, _context(agreement))
    return _store(agreement, DocumentKind.DRAFT, _render_pdf(html))


def final_document(agreement: Agreement) -> AgreementDocument:
    """The sealed final document of an active agreement: stored, or made now, once."""
    existing = AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.FINAL).first()
    if existing is not None:
        return existing
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDED):
        raise ValueError("only an active agreement has a final document")
    from pypdf import PdfReader, PdfWriter

    draft = draft_document(agreement)
    signatures = agreement.signatures.select_related("organisation", "signer").order_by("signed_at", "id")
    page_html = render_to_string(
        "agreements/document/signature_page.html",
        {"agreement": agreement, "signatures": signatures, "draft_sha256": draft.sha256},
    )
    writer = PdfWriter()
    for part in (bytes(draft.pdf), _render_pdf(page_html)):
        writer.append(PdfReader(BytesIO(part)))
    combined = BytesIO()
    writer.write(combined)
    return _store(agreement, DocumentKind.FINAL, seal(combined.getvalue(), agreement_id=agreement.pk))


def _signer() -> Any:
    return _load_signer(str(settings.LCV_SEAL_PKCS12), settings.LCV_SEAL_PASSWORD)


@lru_cache(maxsize=4)
def _load_signer(path: str, password: str) -> Any:
    """The seal key and certificate, read once per process (keyed by file and password)."""
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)


def seal(pdf: bytes, *, agreement_id: int) -> bytes:
    """A PAdES seal over the whole document by the platform certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=f"{REASON_PREFIX}{agreement_id}",
        location="LCV-portaal",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    output = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), metadata, signer=_signer())
    return bytes(output.getvalue())


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    message: str
    agreement_id: int | None = None


NOT_PDF = "Dit bestand is geen PDF."
NOT_OURS = "Dit is geen door het LCV-portaal verzegelde overeenkomst."
CHANGED = "Dit document is na het verzegelen gewijzigd. Vraag de andere partij om het originele bestand."


def verify_pdf(data: bytes) -> VerificationResult:
    """Is this an intact sealed agreement from this platform, and which one?"""
    if not data.startswith(b"%PDF-"):
        return VerificationResult(False, NOT_PDF)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        seals = [s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD]
    except Exception:  # an unreadable or broken PDF is simply not a valid sealed agreement
        return VerificationResult(False, CHANGED if b"/" + SEAL_FIELD.encode() in data else NOT_PDF)
    if not seals:
        return VerificationResult(False, NOT_OURS)
    embedded = seals[-1]
    try:
        certificate = _signer().signing_cert
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[certificate], allow_fetching=False))
    except Exception:
        return VerificationResult(False, CHANGED)
    if not status.intact or not status.valid:
        return VerificationResult(
            False, CHANGED if status.signing_cert == certificate or not status.intact else NOT_OURS
        )
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        return VerificationResult(False, CHANGED)
    stored = AgreementDocument.objects.filter(kind=DocumentKind.FINAL, sha256=hashlib.sha256(data).hexdigest()).first()
    if stored is None:
        return VerificationResult(False, NOT_OURS)
    return VerificationResult(True, "", stored.agreement_id)
