"""R6 / art. 6: addenda are PDFs with a description, proposed by one party, accepted by the other."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lcv.agreements.addenda import MAX_ADDENDUM_BYTES, AddendumError, decide_addendum, propose_addendum
from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Addendum, AddendumStatus, Agreement
from lcv.organisations.models import Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pair():
    utrecht = municipality_organisation("0344")
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    return Agreement.objects.get(), utrecht, partner


def test_partner_proposes_and_municipality_accepts(pair, client, django_capture_on_commit_callbacks):
    agreement, utrecht, partner = pair
    member(utrecht, "contact", email="contact@utrecht.nl")
    partner_contact = member(partner, "contact")
    login_verified(client, partner_contact)
    upload = SimpleUploadedFile("addendum.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("agreements:addendum_propose", args=[agreement.pk]),
            {
                "omschrijving": "Aanleveren op de 1e en 15e",
                "bestand": upload,
                "aanleverdagen": "15, 1",
                "pauzeren": "on",
            },
        )
    addendum = Addendum.objects.get()
    assert (addendum.delivery_days, addendum.pause_at_delivery) == ("1,15", True)
    assert mail.outbox[-1].to == ["contact@utrecht.nl"]
    with pytest.raises(AddendumError, match="andere partij"):
        decide_addendum(addendum_id=addendum.pk, organisation=partner, actor=partner_contact, accept=True)
    decide_addendum(addendum_id=addendum.pk, organisation=utrecht, actor=member(utrecht, "signatory"), accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.ACCEPTED
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Aanleveren op de 1e en 15e" in page
    assert client.get(reverse("agreements:addendum_file", args=[addendum.pk])).content == PDF


@pytest.mark.parametrize(
    ("content", "days", "message"),
    [
        (b"GIF89a not a pdf", "", "geen PDF"),
        (b"%PDF-1.4" + b"0" * MAX_ADDENDUM_BYTES + b"%%EOF", "", "groter dan 5 MB"),
        (PDF, "31", "tussen 1 en 28"),
        (PDF, "eerste maandag", "dagen van de maand"),
    ],
)
def test_bad_addenda_are_refused_and_nothing_is_stored(pair, content, days, message):
    agreement, utrecht, _partner = pair
    with pytest.raises(AddendumError, match=message):
        propose_addendum(
            agreement_id=agreement.pk,
            organisation=utrecht,
            actor=member(utrecht, "contact"),
            description="Test",
            pdf=content,
            delivery_days=days,
        )
    assert not Addendum.objects.exists()


def test_upload_page_shows_the_dutch_refusal(pair, client):
    agreement, utrecht, _partner = pair
    login_verified(client, member(utrecht, "contact"))
    upload = SimpleUploadedFile("plaatje.png", b"\x89PNG....", content_type="image/png")
    response = client.post(
        reverse("agreements:addendum_propose", args=[agreement.pk]),
        {"omschrijving": "Mijn omschrijving", "bestand": upload},
        follow=True,
    )
    assert "Dit bestand is geen PDF" in response.content.decode()
    assert 'value="Mijn omschrijving"' in response.content.decode()  # shown again with the form
    assert not Addendum.objects.exists()


def test_accepted_addenda_are_in_the_download_with_the_document_unchanged(pair, client):
    import hashlib
    import io
    import zipfile

    from lcv.agreements.documents import draft_document

    agreement, utrecht, partner = pair
    contact = member(utrecht, "contact")
    accepted = propose_addendum(
        agreement_id=agreement.pk, organisation=partner, actor=member(partner, "contact"), description="Dag 1", pdf=PDF
    )
    declined = propose_addendum(
        agreement_id=agreement.pk, organisation=partner, actor=accepted.uploaded_by, description="Nee", pdf=PDF + b" "
    )
    login_verified(client, contact)
    # only proposed: the document alone
    alone = client.get(reverse("agreements:document", args=[agreement.pk]))
    assert alone["Content-Type"] == "application/pdf"
    decide_addendum(addendum_id=accepted.pk, organisation=utrecht, actor=contact, accept=True)
    decide_addendum(addendum_id=declined.pk, organisation=utrecht, actor=contact, accept=False)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "met addenda downloaden (ZIP)" in page
    response = client.get(reverse("agreements:document", args=[agreement.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "met-addenda.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document_name = f"overeenkomst-{agreement.pk}-ter-ondertekening.pdf"
    assert sorted(archive.namelist()) == sorted([document_name, f"addendum-1-{accepted.pk}.pdf", "inhoud.txt"])
    assert archive.read(document_name) == bytes(draft_document(agreement).pdf)
    assert archive.read(f"addendum-1-{accepted.pk}.pdf") == PDF
    contents = archive.read("inhoud.txt").decode()
    assert "Dag 1" in contents
    assert hashlib.sha256(PDF).hexdigest() in contents
    assert "Nee" not in contents
    only = client.get(reverse("agreements:document", args=[agreement.pk]), {"alleen": "document"})
    assert only["Content-Type"] == "application/pdf"
    assert only.content == bytes(draft_document(agreement).pdf)


@pytest.fixture
def with_executor():
    """Utrecht's agreements are co-signed by its executor (FAQ 13)."""
    from lcv.organisations.models import OrganisationKind

    executor = make_organisation(
        kind=OrganisationKind.EXECUTOR, name="Schuldhulp Midden", sector="", national_coverage=False
    )
    utrecht = municipality_organisation("0344", cosigning_executor=executor)
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    agreement = Agreement.objects.get()
    assert agreement.executor == executor
    return agreement, utrecht, partner, executor


def propose(agreement, organisation):
    return propose_addendum(
        agreement_id=agreement.pk,
        organisation=organisation,
        actor=member(organisation, "contact"),
        description="Aanleveren op de 1e",
        pdf=PDF,
        delivery_days="1",
    )


def test_an_executor_alone_cannot_accept_the_municipalitys_own_addendum(with_executor):
    """Issue 10, art. 6.1: the executor accepted Utrecht's addendum and it then governed the
    partner's deliveries. The other side of the agreement must accept it."""
    agreement, utrecht, partner, executor = with_executor
    addendum = propose(agreement, utrecht)
    decide_addendum(addendum_id=addendum.pk, organisation=executor, actor=member(executor, "signatory"), accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.PROPOSED
    decide_addendum(addendum_id=addendum.pk, organisation=partner, actor=member(partner, "signatory"), accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.ACCEPTED
    assert set(addendum.acceptances.values_list("organisation", flat=True)) == {executor.pk, partner.pk}


def test_a_partners_addendum_needs_the_municipality_and_the_cosigning_executor(with_executor):
    agreement, utrecht, partner, executor = with_executor
    addendum = propose(agreement, partner)
    decide_addendum(addendum_id=addendum.pk, organisation=utrecht, actor=member(utrecht, "signatory"), accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.PROPOSED
    with pytest.raises(AddendumError, match="al aanvaard"):
        decide_addendum(addendum_id=addendum.pk, organisation=utrecht, actor=member(utrecht, "contact"), accept=True)
    decide_addendum(addendum_id=addendum.pk, organisation=executor, actor=member(executor, "contact"), accept=False)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.DECLINED


def test_no_addendum_on_an_ended_agreement_and_no_decision_after_the_end(pair):
    """Issue 10: a test that notices an addendum allowed on an ended agreement."""
    from lcv.agreements.models import AgreementStatus

    agreement, utrecht, partner = pair
    addendum = propose(agreement, partner)
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED)
    with pytest.raises(AddendumError, match="beëindigde of ingetrokken"):
        propose(agreement, partner)
    with pytest.raises(AddendumError, match="beëindigd of ingetrokken"):
        decide_addendum(addendum_id=addendum.pk, organisation=utrecht, actor=member(utrecht, "contact"), accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.PROPOSED


def test_a_change_of_signal_system_reaches_an_agreement_through_an_accepted_addendum(pair, client):
    """Art. 3.2 and 6.1: the helpdesk records a municipality's new system; the municipality's
    choice changes at once, a draft agreement takes it over, a released or active one only when the
    other party accepts the addendum proposed on the municipality's behalf."""
    from lcv.agreements.addenda import propose_signal_system_change
    from lcv.agreements.models import AgreementStatus
    from lcv.organisations.models import OrganisationKind, SignalSystem

    agreement, utrecht, partner = pair
    utrecht.signal_system = SignalSystem.VPS
    utrecht.save()
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE, signal_system=SignalSystem.VPS)
    other = make_organisation(name="Woonstichting", sector=Sector.HOUSING, national_coverage=True)
    generate_agreements()
    draft = Agreement.objects.get(partner=other)
    Agreement.objects.filter(pk=draft.pk).update(signal_system=SignalSystem.VPS)
    helpdesk = member(make_organisation(kind=OrganisationKind.PLATFORM, sector="", national_coverage=False), "helpdesk")
    assert propose_signal_system_change(organisation=utrecht, system=SignalSystem.PLATFORM, actor=helpdesk) == 1
    utrecht.refresh_from_db()
    assert utrecht.signal_system == SignalSystem.PLATFORM
    assert Agreement.objects.get(pk=draft.pk).signal_system == SignalSystem.PLATFORM
    agreement.refresh_from_db()
    assert agreement.signal_system == SignalSystem.VPS  # until the partner accepts
    addendum = Addendum.objects.get(agreement=agreement)
    assert (addendum.proposed_by, addendum.signal_system) == (utrecht, SignalSystem.PLATFORM)
    assert bytes(addendum.pdf).startswith(b"%PDF-")
    with pytest.raises(AddendumError, match="andere partij"):
        decide_addendum(addendum_id=addendum.pk, organisation=utrecht, actor=member(utrecht, "contact"), accept=True)
    contact = member(partner, "contact")
    login_verified(client, contact)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "signaleringssysteem wordt LCV-portaal" in page
    assert "wacht op aanvaarding door Water Midden" in page
    decide_addendum(addendum_id=addendum.pk, organisation=partner, actor=contact, accept=True)
    agreement.refresh_from_db()
    assert agreement.signal_system == SignalSystem.PLATFORM


def test_addendum_form_is_checked_on_the_server_and_keeps_what_was_typed(pair, client):
    agreement, utrecht, _partner = pair
    login_verified(client, member(utrecht, "contact"))
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    form = page[page.index('action="' + reverse("agreements:addendum_propose", args=[agreement.pk])) - 60 :]
    assert "novalidate" in form[: form.index(">")]
    response = client.post(
        reverse("agreements:addendum_propose", args=[agreement.pk]),
        {"omschrijving": "Andere aanleverdagen", "aanleverdagen": "1,31", "pauzeren": "on"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Kies het PDF-bestand van het addendum." in text
    assert "Aanleverdagen liggen tussen 1 en 28" in text
    assert 'value="Andere aanleverdagen"' in text
    assert 'value="1,31"' in text
    assert 'id="pauzeren" checked' in text
    assert not Addendum.objects.exists()
