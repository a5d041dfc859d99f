"""The agreement journey of issue 4, end to end: generation makes the drafts (R2), the municipalities'
contacts release some of them (R3), the Monday job mails each signatory once (R4), every party signs
in the browser with the authority declaration and a second-factor code, a national partner's
signatory signing the agreements with two municipalities in one go (R5), and the sealed final
document downloads, validates with pyHanko and passes /verificatie/, while a copy with one changed
byte does not (R6). Mail goes through a real SMTP server; queued tasks run in the project's worker."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Locator, expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from lcv.agreements.documents import CHANGED
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementDocument, AgreementStatus, DocumentKind, Signature, SigningNotice
from lcv.agreements.notices import send_signing_notices
from lcv.audit.models import AuditEvent
from lcv.core.schedule import AMSTERDAM, enqueue_due_jobs
from lcv.organisations.models import Municipality, Organisation, Sector
from lcv.testing.browser import download, next_device_code, off_the_event_loop, run_queued_tasks
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member, municipality_organisation

pytestmark = pytest.mark.browser

MONDAY_JOB = "monday_signing_notice"
NOTICE_PATH = "/overeenkomsten/te-ondertekenen/"

UTRECHT = "Gemeente Utrecht"  # releases two of its three drafts
ZEIST = "Gemeente Zeist"  # releases one of its two drafts

ENERGY = "Energie Nederland"  # national: released by Utrecht and Zeist, so its signatory signs two at once
WATER = "Water Midden"  # regional, covers Utrecht only
HEALTH = "Zorg Samen"  # national, left as a draft by both


# --- helpers ------------------------------------------------------------------------------------


def signal_partner(name: str, sector: str, *, national: bool, cbs_codes: tuple[str, ...] = ()) -> Organisation:
    partner = make_organisation(name=name, sector=sector, national_coverage=national)
    partner.municipalities.set(Municipality.objects.filter(cbs_code__in=cbs_codes))
    return partner


def secret_of(user) -> str:
    """The base32 secret the user's authenticator app was set up with."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return base64.b32encode(device.bin_key).decode()


def stored(agreement: Agreement, kind: DocumentKind) -> AgreementDocument:
    return AgreementDocument.objects.get(agreement=agreement, kind=kind)


def statuses(*agreements: Agreement) -> list[str]:
    return [Agreement.objects.get(pk=agreement.pk).status for agreement in agreements]


def drafts_of(municipality: Organisation) -> dict[str, Agreement]:
    """The municipality's agreements, by partner name."""
    agreements = Agreement.objects.filter(municipal_party=municipality).select_related("partner")
    return {agreement.partner.name: agreement for agreement in agreements}


def release_in_the_browser(site, contact, *, release: list[str], keep: list[str]) -> None:
    """The municipality's contact logs in, sees every draft on the agreements page, and releases the
    drafts with the partners in `release` in one action; those in `keep` stay drafts."""
    page = site.page
    site.log_in(contact.email, TEST_PASSWORD)
    assert site.path() == "/start/"  # a contact person sees no personal data: no second factor
    site.click(page.get_by_role("banner").get_by_role("link", name="Overeenkomsten"))
    assert site.path() == "/overeenkomsten/"
    total = len(release) + len(keep)
    expect(page.get_by_role("table").get_by_role("caption")).to_have_text(f"{total} overeenkomsten")
    rows = page.get_by_test_id("agreement-row")
    expect(rows).to_have_count(total)
    for name in release + keep:
        expect(rows.filter(has_text=name)).to_contain_text("Concept")
    for name in release:
        page.get_by_role("checkbox", name=f"{name} kiezen").check()
    site.click(page.get_by_role("button", name="Gekozen overeenkomsten vrijgeven"))

    assert site.path() == "/overeenkomsten/"
    expect(page.get_by_role("status")).to_contain_text(
        f"{len(release)} overeenkomst(en) vrijgegeven. De tekenbevoegden krijgen maandag een e-mail."
    )
    for name in release:
        expect(rows.filter(has_text=name)).to_contain_text("Vrijgegeven voor ondertekening")
        expect(page.get_by_role("checkbox", name=f"{name} kiezen")).to_have_count(0)
    for name in keep:
        expect(rows.filter(has_text=name)).to_contain_text("Concept")
        expect(page.get_by_role("checkbox", name=f"{name} kiezen")).not_to_be_checked()
    site.log_out()


def sign_from_the_notice(site, smtp_sink, totp_code, signatory, agreements: list[Agreement]) -> None:
    """The signatory follows the link in the Monday e-mail, logs in, keeps every waiting agreement
    chosen, downloads each document from the sign page, declares authority and signs with the code
    from their authenticator app."""
    page = site.page
    for agreement in agreements:
        agreement.refresh_from_db()
    link = smtp_sink.link_in(smtp_sink.only(signatory.email, ""), "/overeenkomsten/")
    assert link == f"{site.base_url}{NOTICE_PATH}"
    site.visit(link)
    assert site.path().startswith("/account/inloggen/?next=")  # logged out: the link goes through the login
    site.submit_login(signatory.email, TEST_PASSWORD)
    site.second_factor(signatory.email)
    assert site.path() == NOTICE_PATH  # past the password and the second factor, the link is kept

    expect(page.get_by_role("table").get_by_role("caption")).to_have_text(
        f"{len(agreements)} overeenkomst wacht op ondertekening"
        if len(agreements) == 1
        else f"{len(agreements)} overeenkomsten wachten op ondertekening"
    )
    rows = page.get_by_test_id("to-sign-row")
    expect(rows).to_have_count(len(agreements))
    for agreement in agreements:
        row = rows.filter(has_text=f"{agreement.municipal_party.name} \N{EN DASH} {agreement.partner.name}")
        expect(row).to_contain_text(str(AgreementStatus(agreement.status).label))
        row.get_by_role("checkbox").check()
        expect(row.get_by_role("checkbox")).to_be_checked()
    site.click(page.get_by_role("button", name="Gekozen overeenkomsten ondertekenen"))

    url = urlsplit(page.url)
    assert url.path == "/overeenkomsten/ondertekenen/"
    assert sorted(parse_qs(url.query)["overeenkomst"]) == sorted(str(a.pk) for a in agreements)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overeenkomsten ondertekenen")
    organisation = signatory.membership.organisation
    expect(page.get_by_role("main")).to_contain_text(f"U tekent namens {organisation.name}.")
    for agreement in agreements:
        # plain words for a director (issue 10): the link is "lees de overeenkomst (PDF)" in the row
        # that names the counterpart, not an internal document number
        document = page.get_by_test_id("sign-row").locator(f'a[href="/overeenkomsten/{agreement.pk}/document/"]')
        expect(document).to_have_text("lees de overeenkomst (PDF)")
        filename, pdf = download(page, document)
        assert filename == f"overeenkomst-{agreement.pk}-ter-ondertekening.pdf"
        assert pdf.startswith(b"%PDF-")
        # what the signatory saw is the stored document whose hash the signature records
        assert hashlib.sha256(pdf).hexdigest() == stored(agreement, DocumentKind.DRAFT).sha256

    button = page.get_by_role("button", name=f"Onderteken {len(agreements)} overeenkomst")
    page.get_by_label("Ik verklaar dat ik bevoegd ben").check()
    # the login used this period's code; the app's next code confirms the signature
    page.get_by_label("Code uit uw authenticator-app").fill(next_device_code(signatory.email))
    site.click(button)

    assert site.path() == NOTICE_PATH
    expect(page.get_by_role("status")).to_contain_text(f"U heeft {len(agreements)} overeenkomst(en) ondertekend.")
    expect(page.get_by_role("main")).to_contain_text("Er liggen geen overeenkomsten klaar om te ondertekenen.")
    user_agent = page.evaluate("navigator.userAgent")
    for agreement in agreements:
        signature = Signature.objects.get(agreement=agreement, organisation=organisation)
        assert signature.signer == signatory
        assert signature.document_sha256 == stored(agreement, DocumentKind.DRAFT).sha256
        assert signature.ip_address == "127.0.0.1"
        assert signature.user_agent
        assert signature.user_agent == user_agent
    # all of them in one go: a single signing action that covers every chosen agreement
    (action,) = AuditEvent.objects.filter(action="agreements.signed", actor=signatory)
    assert action.organisation == organisation
    assert action.details == {"agreements": sorted(agreement.pk for agreement in agreements)}


def assert_monday_notice(smtp_sink, signatory, organisation: str, agreements: list[Agreement]) -> None:
    """The signatory's one Monday e-mail lists exactly these agreements, as "municipality en partner"."""
    notice = smtp_sink.only(signatory.email, "")
    count = len(agreements)
    assert str(notice["Subject"]) == f"{count} overeenkomst{'en' if count > 1 else ''} klaar om te ondertekenen"
    text = smtp_sink.text_of(notice)
    assert f"Beste {signatory.full_name}," in text
    assert f"Voor {organisation} {'staan' if count > 1 else 'staat'} {count} overeenkomst" in text
    listed = [line.removeprefix("- ").strip() for line in text.splitlines() if line.startswith("- ")]
    assert sorted(listed) == sorted(f"{a.municipal_party.name} en {a.partner.name}" for a in agreements)
    assert HEALTH not in text  # still a draft


def sealed_signature_status(pdf: bytes) -> tuple[EmbeddedPdfSignature, PdfSignatureStatus]:
    """pyHanko's own verdict on the seal, trusting only the platform's seal certificate."""
    platform = signers.SimpleSigner.load_pkcs12(
        settings.LCV_SEAL_PKCS12, passphrase=settings.LCV_SEAL_PASSWORD.encode()
    )
    assert platform is not None
    (seal,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    trust = ValidationContext(trust_roots=[platform.signing_cert], allow_fetching=False)
    return seal, off_the_event_loop(lambda: validate_pdf_signature(seal, trust))


def with_one_byte_changed(pdf: bytes) -> bytes:
    """Flip one bit in the middle of the file, inside the bytes the seal covers (not in the hex
    string that holds the signature itself, which the seal leaves out)."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match, "no /ByteRange in the sealed PDF"
    start, length, rest_start, rest_length = (int(n) for n in match.groups())
    assert (start, rest_start + rest_length) == (0, len(pdf))
    middle = len(pdf) // 2
    assert middle < length or middle >= rest_start, "the middle of the file is the signature itself"
    changed = bytearray(pdf)
    changed[middle] ^= 0x01
    return bytes(changed)


def check_on_the_verification_page(site, name: str, pdf: bytes) -> Locator:
    site.visit("/verificatie/")
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Een ondertekende overeenkomst controleren")
    site.page.get_by_label("De overeenkomst (PDF)").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": pdf}
    )
    site.click(site.page.get_by_role("button", name="Controleren"))
    assert site.path() == "/verificatie/"
    return site.page.get_by_test_id("verify-result")


# --- the journey --------------------------------------------------------------------------------


def test_agreements_are_released_noticed_signed_by_all_parties_sealed_and_verified(site, smtp_sink, totp_code):
    page = site.page

    # --- R2: three partners work in Utrecht and two in Zeist, so generation makes five drafts -------
    utrecht = municipality_organisation("0344")
    utrecht_contact = member(utrecht, "contact", email="carla@utrecht.nl", full_name="Carla Contact")
    utrecht_signatory = member(utrecht, "signatory", email="sanne@utrecht.nl", full_name="Sanne Stadhuis")
    zeist = municipality_organisation("0355")
    zeist_contact = member(zeist, "contact", email="kees@zeist.nl", full_name="Kees Contact")
    zeist_signatory = member(zeist, "signatory", email="zoe@zeist.nl", full_name="Zoë Zegel")
    energy = signal_partner(ENERGY, Sector.ENERGY, national=True)
    energy_signatory = member(energy, "signatory", email="petra@energienederland.nl", full_name="Petra Partner")
    water = signal_partner(WATER, Sector.WATER, national=False, cbs_codes=("0344",))
    water_signatory = member(water, "signatory", email="wim@watermidden.nl", full_name="Wim Water")
    signal_partner(HEALTH, Sector.HEALTH_INSURANCE, national=True)
    signal_partner("Water Elders", Sector.WATER, national=False, cbs_codes=("0363",))  # neither Utrecht nor Zeist
    signatories = (utrecht_signatory, zeist_signatory, energy_signatory, water_signatory)
    for signatory in signatories:
        confirmed_device(signatory)  # signing is confirmed with a code from an authenticator app

    assert generate_agreements() == 5
    in_utrecht, in_zeist = drafts_of(utrecht), drafts_of(zeist)
    assert sorted(in_utrecht) == [ENERGY, WATER, HEALTH]
    assert sorted(in_zeist) == [ENERGY, HEALTH]
    assert Agreement.objects.count() == 5
    assert set(Agreement.objects.values_list("status", flat=True)) == {AgreementStatus.DRAFT}
    utrecht_chosen = [in_utrecht[ENERGY], in_utrecht[WATER]]
    energy_chosen = [in_utrecht[ENERGY], in_zeist[ENERGY]]  # one partner, two municipalities
    zeist_chosen = [in_zeist[ENERGY]]
    chosen = [in_utrecht[ENERGY], in_utrecht[WATER], in_zeist[ENERGY]]
    left_as_drafts = [in_utrecht[HEALTH], in_zeist[HEALTH]]

    # --- R3: each contact releases drafts in one action: Utrecht two of three, Zeist one of two ----
    release_in_the_browser(site, utrecht_contact, release=[ENERGY, WATER], keep=[HEALTH])
    assert statuses(*utrecht_chosen, in_utrecht[HEALTH]) == ["released", "released", "draft"]
    release_in_the_browser(site, zeist_contact, release=[ENERGY], keep=[HEALTH])
    assert statuses(*chosen, *left_as_drafts) == ["released", "released", "released", "draft", "draft"]
    assert Agreement.objects.filter(status=AgreementStatus.RELEASED).count() == 3
    assert smtp_sink.messages == []  # releasing mails nobody: the signatories hear on Monday

    # --- R4: the scheduled job mails on Monday only, and once to each signatory --------------------
    tuesday = datetime(2026, 11, 17, 8, 30, tzinfo=AMSTERDAM)
    assert MONDAY_JOB not in enqueue_due_jobs(now=tuesday)
    run_queued_tasks()
    assert smtp_sink.messages == []
    assert not SigningNotice.objects.exists()

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
    assert MONDAY_JOB in enqueue_due_jobs(now=monday)
    run_queued_tasks()
    assert len(smtp_sink.messages) == 4
    assert_monday_notice(smtp_sink, utrecht_signatory, UTRECHT, utrecht_chosen)
    assert_monday_notice(smtp_sink, zeist_signatory, ZEIST, zeist_chosen)
    assert_monday_notice(smtp_sink, energy_signatory, ENERGY, energy_chosen)  # both municipalities, one e-mail
    assert_monday_notice(smtp_sink, water_signatory, WATER, [in_utrecht[WATER]])
    for contact in (utrecht_contact, zeist_contact):
        assert smtp_sink.addressed_to(contact.email) == []
    assert SigningNotice.objects.count() == 6  # each released agreement, once for each of its two parties

    assert MONDAY_JOB not in enqueue_due_jobs(now=monday.replace(hour=11))  # the slot has run
    run_queued_tasks()
    assert send_signing_notices() == 0  # even run by hand: nothing new to tell
    assert len(smtp_sink.messages) == 4
    for signatory in signatories:
        smtp_sink.only(signatory.email, "")

    # --- R5: the partners' signatories sign first, from the link in the e-mail; Energie Nederland's
    # signs its agreements with Utrecht and with Zeist in one go ----------------------------------------
    sign_from_the_notice(site, smtp_sink, totp_code, energy_signatory, energy_chosen)
    site.log_out()
    assert statuses(*chosen) == ["partially_signed", "released", "partially_signed"]
    sign_from_the_notice(site, smtp_sink, totp_code, water_signatory, [in_utrecht[WATER]])
    site.log_out()
    assert statuses(*chosen, *left_as_drafts) == ["partially_signed"] * 3 + ["draft"] * 2
    for agreement in chosen:
        assert Signature.objects.filter(agreement=agreement).count() == 1

    # --- then the municipalities' signatories: Zeist signs its one, Utrecht both of its own ----------
    sign_from_the_notice(site, smtp_sink, totp_code, zeist_signatory, zeist_chosen)
    site.log_out()
    assert statuses(*chosen) == ["partially_signed", "partially_signed", "active"]
    sign_from_the_notice(site, smtp_sink, totp_code, utrecht_signatory, utrecht_chosen)
    assert statuses(*chosen, *left_as_drafts) == ["active"] * 3 + ["draft"] * 2
    assert Signature.objects.count() == 6
    for agreement in chosen:
        signatures = Signature.objects.filter(agreement=agreement)
        assert {s.organisation for s in signatures} == {agreement.municipal_party, agreement.partner}
        assert {s.document_sha256 for s in signatures} == {stored(agreement, DocumentKind.DRAFT).sha256}

    # R6: signing queued the sealing; the worker makes the final documents
    assert not AgreementDocument.objects.filter(kind=DocumentKind.FINAL).exists()
    queued = DBTaskResult.objects.filter(task_path="lcv.agreements.tasks.seal_agreement_task")
    assert sorted(result.args_kwargs["args"][0] for result in queued) == sorted(a.pk for a in chosen)
    run_queued_tasks()
    assert AgreementDocument.objects.filter(kind=DocumentKind.FINAL).count() == 3

    # --- R6: the sealed document downloads from the agreement page and validates ----------------------
    agreement = in_utrecht[ENERGY]  # one of the two Energie Nederland signed in one go
    site.click(page.get_by_role("banner").get_by_role("link", name="Overeenkomsten"))
    site.click(page.get_by_test_id("agreement-row").get_by_role("link", name=ENERGY))
    assert site.path() == f"/overeenkomsten/{agreement.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Overeenkomst {UTRECHT} en {ENERGY}")
    expect(page.get_by_role("main")).to_contain_text("Actief")
    expect(page.get_by_role("main")).to_contain_text(f"{ENERGY}: Petra Partner")
    expect(page.get_by_role("main")).to_contain_text(f"{UTRECHT}: Sanne Stadhuis")
    filename, sealed = download(page, page.get_by_role("link", name="Verzegelde overeenkomst downloaden (PDF)"))
    assert filename == f"overeenkomst-{agreement.pk}-verzegeld.pdf"
    final = stored(agreement, DocumentKind.FINAL)
    assert sealed == bytes(final.pdf)
    assert hashlib.sha256(sealed).hexdigest() == final.sha256
    seal, status = sealed_signature_status(sealed)
    assert str(seal.sig_object["/Reason"]) == f"LCV-portaal overeenkomst {agreement.pk}"
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE  # nothing was added after sealing
    site.log_out()

    # --- /verificatie/ (public): the original is intact, a copy with one changed byte is not -----------
    result = check_on_the_verification_page(site, filename, sealed)
    expect(result).to_contain_text(
        f"Echt en ongewijzigd: overeenkomst nr. {agreement.pk} tussen {UTRECHT} en {ENERGY}, verzegeld op"
    )
    expect(result).not_to_contain_text("niet precies het exemplaar")  # it is the issued copy itself

    result = check_on_the_verification_page(site, filename, with_one_byte_changed(sealed))
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_have_text(CHANGED)
    expect(result).to_contain_text("Dit document is na het verzegelen gewijzigd.")
    expect(page.get_by_role("main")).not_to_contain_text("Echt en ongewijzigd")
