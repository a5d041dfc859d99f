"""R6: agreement documents. The draft PDF is rendered once from the template version and stored with
its SHA-256; it is never rendered again. The final document is the draft plus a Dutch signature page
("verklaring van ondertekening"), sealed with a PAdES signature by the platform's certificate, so
any change shows. `verify_pdf` answers the public /verificatie/ page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from lcv.agreements.models import Agreement, AgreementDocument, AgreementStatus, DocumentKind
from lcv.agreements.seal_certificate import seal_certificate_path
from lcv.core.pdf import render_pdf
from lcv.organisations.models import Sector, SignalSystem

SEAL_FIELD = "LCV-portaal-zegel"
REASON_PREFIX = "LCV-portaal overeenkomst "
PLATFORM_NAME = "LCV-portaal"
# The documents are Dutch and their times Dutch, whatever language or zone the request that first
# asks for them happens to use: they are rendered once and signed as they are.
DOCUMENT_LANGUAGE = "nl"
DOCUMENT_TIME_ZONE = "Europe/Amsterdam"


def _render(template_name: str, context: dict[str, Any]) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE), timezone.override(DOCUMENT_TIME_ZONE):
        return render_pdf(render_to_string(template_name, context))


def _context(agreement: Agreement) -> dict[str, Any]:
    """The context lcv_v1.html documents. Lazy labels are rendered in Dutch by `_render`."""
    windows = agreement.template.windows
    labels = dict(Sector.choices)
    return {
        "agreement": agreement,
        "template": agreement.template,
        "municipal_party": agreement.municipal_party,
        "partner": agreement.partner,
        "executor": agreement.executor,
        "window": windows.get(agreement.partner.sector),
        "windows": [{"sector": key, "label": labels.get(key, key), **value} for key, value in windows.items()],
        "signal_system_label": agreement.get_signal_system_display(),
        # the day the agreement was made, not today: a stable text
        "generated_on": timezone.localtime(agreement.created_at, ZoneInfo(DOCUMENT_TIME_ZONE)).date(),
    }


def render_signal_system_addendum(agreement: Agreement, system: str) -> bytes:
    """The PDF of an addendum that changes the agreement's signal system (art. 3.2, 6.1)."""
    return _render(
        "agreements/document/addendum_signal_system.html",
        {
            "agreement": agreement,
            "before": agreement.get_signal_system_display(),
            "after": SignalSystem(system).label,
            "today": timezone.localdate(),
            "platform_name": PLATFORM_NAME,
        },
    )


def _store(agreement: Agreement, kind: DocumentKind, pdf: bytes) -> AgreementDocument:
    try:
        with transaction.atomic():
            return AgreementDocument.objects.create(
                agreement=agreement, kind=kind, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
            )
    except IntegrityError:  # rendered at the same moment elsewhere: the first one stays
        return AgreementDocument.objects.get(agreement=agreement, kind=kind)


def draft_document(agreement: Agreement) -> AgreementDocument:
    """R6: the document to sign (its SHA-256 goes into every signature, R5): stored, or rendered now, once."""
    existing = AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.DRAFT).first()
    if existing is not None:
        return existing
    agreement = Agreement.objects.select_related("template", "municipal_party", "partner", "executor").get(
        pk=agreement.pk
    )
    pdf = _render(agreement.template.template_name, _context(agreement))
    return _store(agreement, DocumentKind.DRAFT, pdf)


def final_document(agreement: Agreement) -> AgreementDocument:
    """R6: the sealed final document of an active agreement: stored, or made now, once."""
    existing = AgreementDocument.objects.filter(agreement=agreement, kind=DocumentKind.FINAL).first()
    if existing is not None:
        return existing
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDED):
        raise ValueError("only an active agreement has a final document")
    from pypdf import PdfReader, PdfWriter

    draft = draft_document(agreement)
    signatures = agreement.signatures.select_related("organisation", "signer").order_by("signed_at", "id")
    signature_page = _render(
        "agreements/document/signature_page.html",
        {
            "agreement": agreement,
            "signatures": signatures,
            "draft_sha256": draft.sha256,
            "platform_name": PLATFORM_NAME,
            "time_zone": DOCUMENT_TIME_ZONE,
        },
    )
    writer = PdfWriter()
    for part in (bytes(draft.pdf), signature_page):
        writer.append(PdfReader(BytesIO(part)))
    combined = BytesIO()
    writer.write(combined)
    return _store(agreement, DocumentKind.FINAL, seal(combined.getvalue(), agreement_id=agreement.pk))


class SealingNotHere(RuntimeError):
    """The seal's private key is loaded only by the process that seals (the worker)."""


_sealing_enabled = False


def enable_sealing() -> None:
    """Called by `lcv worker` (and the test suite, which runs tasks in-process): only this process
    may load the seal's private key. Web processes never do, not even for /verificatie/."""
    global _sealing_enabled
    _sealing_enabled = True


def on_worker_starting(**kwargs: Any) -> None:
    """`lcv worker` starts (core's `worker_starting`): only this process loads the seal's private
    key, and sealing is worker work, so load the PDF libraries now."""
    enable_sealing()
    warm_up_in_background()


def disable_sealing() -> None:
    global _sealing_enabled
    _sealing_enabled = False


@lru_cache(maxsize=4)
def _load_signer(path: str, password: str, modified: float) -> Any:
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if signer is None:  # pyHanko logs the reason and returns None
        raise ValueError(f"the seal certificate {path} cannot be opened with LCV_SEAL_PASSWORD")
    return signer


def _signer() -> Any:
    """The platform's seal; a replaced file (new modification time) is read again."""
    if not _sealing_enabled:
        raise SealingNotHere("only the worker loads the seal key; queue seal_agreement_task instead")
    if not settings.LCV_SEAL_PASSWORD and not settings.LCV_DEMO:
        raise ImproperlyConfigured("LCV_SEAL_PASSWORD is required outside demo mode: the seal key must be encrypted.")
    path = str(settings.LCV_SEAL_PKCS12)
    return _load_signer(path, settings.LCV_SEAL_PASSWORD, Path(path).stat().st_mtime)


@lru_cache(maxsize=4)
def _load_certificate(path: str, modified: float) -> Any:
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(path)


def seal_certificate() -> Any:
    """The seal's certificate (public): all that checking a seal needs."""
    path = seal_certificate_path(settings.LCV_SEAL_PKCS12, settings.LCV_SEAL_CERTIFICATE)
    return _load_certificate(str(path), path.stat().st_mtime)


def seal(pdf: bytes, *, agreement_id: int) -> bytes:
    """R6: a PAdES seal over the whole document by the platform certificate. The agreement number goes
    into the signed /Reason, so verification can name the agreement from the file alone."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=f"{REASON_PREFIX}{agreement_id}",
        location=PLATFORM_NAME,
        name=PLATFORM_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    signer = _signer()  # first: refuses in a process that may not seal, before any work
    output = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), metadata, signer=signer)
    return bytes(output.getvalue())


# Dutch, as the names say; the page shows them through the catalogue ({% translate %}).
NOT_PDF = gettext_noop("Dit bestand is geen PDF.")
NOT_OURS = gettext_noop("Dit is geen door het LCV-portaal verzegelde overeenkomst.")
INCOMPLETE = gettext_noop(
    "Dit PDF-bestand is onvolledig of beschadigd: het houdt halverwege op. Download de overeenkomst opnieuw "
    "(of vraag de andere partij het bestand opnieuw te sturen) en controleer het nieuwe bestand."
)
CHANGED = gettext_noop("Dit document is na het verzegelen gewijzigd. Vraag de andere partij om het originele bestand.")


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    message_nl: str
    agreement_id: int | None = None
    sealed_at: datetime | None = None
    # byte for byte the final document stored here: exactly the one the platform issued
    issued_copy: bool = False


def _failure(message_nl: str) -> VerificationResult:
    return VerificationResult(ok=False, message_nl=message_nl)


def _agreement_id(embedded: Any) -> int | None:
    reason = str(embedded.sig_object.get("/Reason", ""))
    number = reason.removeprefix(REASON_PREFIX)
    return int(number) if reason.startswith(REASON_PREFIX) and number.isdigit() else None


def verify_pdf(data: bytes) -> VerificationResult:
    """R6: is this an intact PDF sealed by this platform's certificate, and which agreement is it?"""
    if not data.startswith(b"%PDF-"):
        return _failure(NOT_PDF)
    if b"%%EOF" not in data[-1024:]:  # every complete PDF ends with this marker: the file was cut off
        return _failure(INCOMPLETE)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        seals = [s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD]
    except Exception:  # an unreadable PDF: broken by a change if it carried our seal, else damaged
        return _failure(CHANGED if SEAL_FIELD.encode() in data else INCOMPLETE)
    if not seals:
        return _failure(NOT_OURS)
    embedded = seals[-1]
    ours = seal_certificate()
    try:
        if embedded.signer_cert.sha256 != ours.sha256:
            return _failure(NOT_OURS)
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[ours], allow_fetching=False))
    except Exception:  # a seal structure pyHanko cannot even evaluate was not left intact
        return _failure(CHANGED)
    # ENTIRE_FILE: nothing was added after sealing, not even an incremental update
    if not status.bottom_line or status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        return _failure(CHANGED)
    agreement_id = _agreement_id(embedded)
    digest = hashlib.sha256(data).hexdigest()
    issued = AgreementDocument.objects.filter(kind=DocumentKind.FINAL, sha256=digest)
    if agreement_id is not None:
        issued = issued.filter(agreement_id=agreement_id)
    stored = issued.values_list("agreement_id", flat=True).first()
    return VerificationResult(
        ok=True,
        message_nl="",
        agreement_id=agreement_id if agreement_id is not None else stored,
        sealed_at=status.signer_reported_dt,
        issued_copy=stored is not None,
    )


def warm_up() -> None:
    """Load WeasyPrint and pyHanko (about 3-4 s together), so the first document a fresh web or
    worker process makes does not wait for that. Run in a background thread at process start."""
    import weasyprint  # noqa: F401
    from pyhanko.sign import signers, validation  # noqa: F401


def warm_up_in_background() -> None:
    import threading

    threading.Thread(target=warm_up, daemon=True, name="warm-up-documents").start()
