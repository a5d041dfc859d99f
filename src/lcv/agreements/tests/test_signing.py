"""R5: signing one or many released agreements at once; either party first; active when all signed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementStatus, Signature
from lcv.agreements.services import release_agreements
from lcv.agreements.signing import SigningError, sign_agreements
from lcv.organisations.models import Sector
from lcv.testing.auth import login_verified
from lcv.testing.factories import confirmed_device, make_organisation, member, municipality_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    utrecht = municipality_organisation("0344")
    for name in ("Water Midden", "Energie NL", "Zorg NL"):
        make_organisation(name=name, sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    contact = member(utrecht, "contact")
    chosen = list(
        Agreement.objects.filter(partner__name__in=["Water Midden", "Energie NL"]).values_list("id", flat=True)
    )
    release_agreements(agreement_ids=chosen, municipal_party=utrecht, actor=contact)
    return utrecht, chosen


def sign(organisation, signer, ids, declared=True):
    return sign_agreements(
        agreement_ids=ids,
        organisation=organisation,
        signer=signer,
        declared_authorised=declared,
        ip_address="192.0.2.1",
        user_agent="Test/1.0",
    )


def test_either_party_signs_first_and_all_signatures_make_it_active(released):
    utrecht, ids = released
    water = Agreement.objects.get(partner__name="Water Midden")
    partner_signatory = member(water.partner, "signatory")
    sign(water.partner, partner_signatory, [water.pk])
    water.refresh_from_db()
    assert water.status == AgreementStatus.PARTIALLY_SIGNED
    signature = Signature.objects.get(agreement=water)
    assert (signature.ip_address, signature.user_agent) == ("192.0.2.1", "Test/1.0")
    assert len(signature.document_sha256) == 64
    municipal_signatory = member(utrecht, "signatory")
    sign(utrecht, municipal_signatory, ids)  # many at once
    water.refresh_from_db()
    assert water.status == AgreementStatus.ACTIVE
    assert water.activated_at is not None
    energy = Agreement.objects.get(partner__name="Energie NL")
    assert energy.status == AgreementStatus.PARTIALLY_SIGNED
    # every signature records the hash of the same document
    assert len(set(Signature.objects.filter(agreement=water).values_list("document_sha256", flat=True))) == 1


def test_signing_refusals_change_nothing(released):
    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    draft = Agreement.objects.get(partner__name="Zorg NL")
    with pytest.raises(SigningError, match="niet vrijgegeven"):
        sign(utrecht, signatory, [ids[0], draft.pk])
    assert not Signature.objects.exists()  # all or nothing
    amsterdam = municipality_organisation("0363")
    generate_agreements()
    theirs = Agreement.objects.filter(municipal_party=amsterdam).earliest("id")
    with pytest.raises(SigningError, match="niet van uw organisatie"):
        sign(utrecht, signatory, [theirs.pk])
    with pytest.raises(SigningError, match="Verklaar eerst"):
        sign(utrecht, signatory, ids, declared=False)
    sign(utrecht, signatory, ids)
    with pytest.raises(SigningError, match="U heeft deze overeenkomst al ondertekend"):
        sign(utrecht, signatory, ids)
    contact = member(utrecht, "contact")
    with pytest.raises(SigningError, match="tekenbevoegde"):
        sign(utrecht, contact, ids)
    assert Signature.objects.count() == 2


def test_signing_page_requires_declaration_and_second_factor(client, released):
    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    device = confirmed_device(signatory)
    login_verified(client, signatory)
    page = client.get(reverse("agreements:sign"), {"overeenkomst": ids}).content.decode()
    assert "Ik verklaar dat ik bevoegd ben" in page
    response = client.post(reverse("agreements:sign"), {"overeenkomst": ids, "code": "000000"})
    assert "Zonder deze verklaring" in response.content.decode()
    assert not Signature.objects.exists()
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(
        reverse("agreements:sign"), {"overeenkomst": ids, "authorised": "on", "code": f"{totp.token():06d}"}
    )
    assert response.status_code == 302
    assert Signature.objects.filter(organisation=utrecht).count() == 2


def test_signatory_without_authenticator_is_sent_to_enrol(client, released):
    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    client.force_login(signatory)
    page = client.get(reverse("agreements:sign"), {"overeenkomst": ids}, follow=True).content.decode()
    assert "Tweede factor instellen" in page


def test_document_download_is_the_signed_draft(client, released):
    utrecht, ids = released
    login_verified(client, member(utrecht, "contact"))
    response = client.get(reverse("agreements:document", args=[ids[0]]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
def test_two_signatories_at_the_same_moment_give_one_active_agreement(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    utrecht = municipality_organisation("0344")
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    agreement = Agreement.objects.get()
    release_agreements(agreement_ids=[agreement.pk], municipal_party=utrecht, actor=member(utrecht, "contact"))
    from lcv.agreements.documents import draft_document

    draft_document(agreement)  # rendered before the race, as when both opened the document
    signers = [(utrecht, member(utrecht, "signatory")), (partner, member(partner, "signatory"))]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(organisation, signer):
        try:
            barrier.wait()
            sign(organisation, signer, [agreement.pk])
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in signers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert Signature.objects.filter(agreement=agreement).count() == 2


def test_a_cosigning_executors_signature_is_needed_before_activation(settings):
    """Issue 10: a test that notices when the executor's signature is no longer required (FAQ 13)."""
    from lcv.organisations.models import OrganisationKind

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, name="Plangroep", sector="", national_coverage=False)
    utrecht = municipality_organisation("0344", cosigning_executor=executor)
    partner = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    agreement = Agreement.objects.get()
    assert agreement.executor == executor
    release_agreements(agreement_ids=[agreement.pk], municipal_party=utrecht, actor=member(utrecht, "contact"))
    sign(utrecht, member(utrecht, "signatory"), [agreement.pk])
    sign(partner, member(partner, "signatory"), [agreement.pk])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PARTIALLY_SIGNED
    sign(executor, member(executor, "signatory"), [agreement.pk])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE


def _code(device):
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():06d}"


def test_a_signed_agreement_already_active_says_signed_not_unreleased(released):
    utrecht, _ids = released
    water = Agreement.objects.get(partner__name="Water Midden")
    sign(water.partner, member(water.partner, "signatory"), [water.pk])
    signatory = member(utrecht, "signatory")
    sign(utrecht, signatory, [water.pk])  # both signed: active
    with pytest.raises(SigningError, match="U heeft deze overeenkomst al ondertekend") as refused:
        sign(utrecht, signatory, [water.pk])
    assert "vrijgegeven" not in str(refused.value)
    assert "met Water Midden" in str(refused.value)


def test_sign_page_in_plain_words_with_fingerprint_behind_details(client, released):
    utrecht, ids = released
    utrecht.name = "Gemeente Utrecht B.V."  # a name ending in a full stop
    utrecht.save()
    signatory = member(utrecht, "signatory")
    confirmed_device(signatory)
    login_verified(client, signatory)
    page = client.get(reverse("agreements:sign"), {"overeenkomst": ids}).content.decode()
    assert "De overeenkomst met Water Midden" in page
    assert "B.V.." not in page
    assert "U tekent namens Gemeente Utrecht B.V. Lees" in page
    visible, technical = page.split("<details", 1)
    assert "SHA-256" not in visible
    assert f"document {ids[0]}" not in visible
    assert "Technische gegevens" in technical
    assert "SHA-256" in technical


def test_sign_page_shows_only_what_can_still_be_signed_and_a_repost_says_signed(client, released):
    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    device = confirmed_device(signatory)
    login_verified(client, signatory)
    water = Agreement.objects.get(partner__name="Water Midden")
    sign(utrecht, signatory, [water.pk])
    page = client.get(reverse("agreements:sign"), {"overeenkomst": ids}).content.decode()
    assert "Water Midden" not in page
    assert "Energie NL" in page
    # the Back button: the form for Water Midden is sent again
    response = client.post(
        reverse("agreements:sign"), {"overeenkomst": [water.pk], "authorised": "on", "code": _code(device)}, follow=True
    )
    text = response.content.decode()
    assert "U heeft deze overeenkomst al ondertekend" in text
    assert "niet vrijgegeven" not in text
    assert Signature.objects.filter(organisation=utrecht).count() == 1


def test_enrolling_from_the_sign_page_returns_to_it(client, released):
    from urllib.parse import quote

    from django_otp.plugins.otp_totp.models import TOTPDevice

    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    client.force_login(signatory)  # no authenticator yet: the link in the Monday e-mail
    sign_url = reverse("agreements:sign") + "?" + "&".join(f"overeenkomst={pk}" for pk in ids)
    response = client.get(sign_url)
    enrol_url = reverse("accounts:totp_enrol") + "?next=" + quote(sign_url, safe="")
    assert response["Location"] == enrol_url
    enrol_page = client.get(enrol_url).content.decode()
    assert "U tekent overeenkomsten namens uw organisatie." in enrol_page
    assert "U werkt met persoonsgegevens" not in enrol_page
    device = TOTPDevice.objects.get(user=signatory, confirmed=False)
    response = client.post(enrol_url, {"code": _code(device)})
    assert response.status_code == 302
    assert response["Location"] == sign_url
    assert "Energie NL" in client.get(sign_url).content.decode()


def test_in_the_demo_the_sign_page_points_to_the_demo_code(client, released, settings):
    settings.LCV_DEMO = True
    utrecht, ids = released
    signatory = member(utrecht, "signatory")
    confirmed_device(signatory)
    login_verified(client, signatory)
    page = client.get(reverse("agreements:sign"), {"overeenkomst": ids}).content.decode()
    assert f'href="{reverse("devmail:list")}"' in page
