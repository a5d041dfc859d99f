"""Replacing the signatory (FAQ 15): the contact person asks, the helpdesk carries it out, the new
person is invited through a real SMTP server and signs from then on; the old one no longer can."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from lcv.organisations.models import ChangeKind, ChangeRequest, ChangeStatus, Membership, OrganisationKind
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lange-zin-van-zeven-woorden"


def test_contact_has_the_signatory_replaced_through_the_helpdesk(site, smtp_sink, totp_code):
    organisation = make_organisation(name="Energie Oost", kvk_number="12345678")
    contact = member(organisation, "contact", email="carla@energieoost.nl", full_name="Carla Contact")
    old = member(organisation, "signatory", email="oscar@energieoost.nl", full_name="Oscar Oud")
    platform = make_organisation(
        kind=OrganisationKind.PLATFORM, name="LCV-platform", kvk_number="", sector="", national_coverage=False
    )
    helpdesk = member(platform, "helpdesk", email="helpdesk@voorbeeld.nl", full_name="Hanna Helpdesk")
    device = confirmed_device(helpdesk)
    page = site.page

    # --- the contact person asks for the change ---------------------------------------------
    site.log_in("carla@energieoost.nl", TEST_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Mijn organisatie"))
    assert site.path() == f"/organisaties/{organisation.pk}/"
    expect(page.get_by_role("main")).to_contain_text("Geen lopende wijzigingsverzoeken.")
    site.click(page.get_by_role("link", name="Contactpersoon of tekenbevoegde laten vervangen"))
    assert site.path() == f"/organisaties/{organisation.pk}/wijziging/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Contactpersoon of tekenbevoegde laten vervangen")
    page.get_by_role("radio", name="Tekenbevoegde vervangen").check()
    page.get_by_label("Naam van de nieuwe persoon").fill("Nadia Nieuw")
    page.get_by_label("E-mailadres van de nieuwe persoon").fill("Nadia@EnergieOost.nl")
    page.get_by_label("Telefoonnummer (optioneel)").fill("050 987 6543")
    page.get_by_label("Functie").fill("Financieel directeur")
    page.get_by_label("Toelichting voor de helpdesk (optioneel)").fill("Oscar gaat met pensioen.")
    site.click(page.get_by_role("button", name="Verzoek versturen"))

    assert site.path() == f"/organisaties/{organisation.pk}/"
    expect(page.get_by_role("status")).to_contain_text("Uw verzoek is naar de helpdesk gestuurd.")
    pending = page.get_by_role("main").get_by_role("listitem").filter(has_text="Nadia Nieuw")
    expect(pending).to_contain_text("Tekenbevoegde vervangen door Nadia Nieuw")
    expect(pending).to_contain_text("in behandeling bij de helpdesk")
    change = ChangeRequest.objects.get()
    assert (change.kind, change.status, change.new_email, change.requested_by) == (
        ChangeKind.REPLACE_SIGNATORY,
        ChangeStatus.PENDING,
        "nadia@energieoost.nl",
        contact,
    )
    # nothing changes until the helpdesk acts
    assert Membership.objects.get(user=old).is_signatory
    assert smtp_sink.messages == []
    site.log_out()

    # --- the helpdesk carries it out --------------------------------------------------------
    site.log_in("helpdesk@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/"
    site.pass_second_factor(totp_code(base64.b32encode(device.bin_key).decode()))
    assert site.path() == "/start/"
    site.click(page.get_by_role("banner").get_by_role("link", name="Wijzigingen"))
    assert site.path() == "/beheer/wijzigingen/"
    card = page.get_by_role("region", name="Energie Oost: tekenbevoegde vervangen")
    expect(card).to_contain_text("Nieuw: Nadia Nieuw (Financieel directeur, nadia@energieoost.nl).")
    expect(card).to_contain_text("Toelichting: Oscar gaat met pensioen.")
    site.click(card.get_by_role("button", name="Uitvoeren"))

    assert site.path() == "/beheer/wijzigingen/"
    expect(page.get_by_role("status")).to_contain_text(
        "Uitgevoerd: de nieuwe persoon heeft de rol; de vorige niet meer."
    )
    expect(page.get_by_role("region", name="Energie Oost: tekenbevoegde vervangen")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Geen wijzigingsverzoeken met deze status.")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.EXECUTED, helpdesk)
    site.log_out()

    # --- the contact is told; the new signatory is invited, sets a password and logs in -------
    assert len(smtp_sink.messages) == 2
    smtp_sink.only(contact.email, "Uw wijzigingsverzoek is uitgevoerd: tekenbevoegde vervangen")
    invitation = smtp_sink.only("nadia@energieoost.nl", "Uitnodiging voor het LCV-portaal")
    assert "Beste Nadia Nieuw," in smtp_sink.text_of(invitation)
    site.visit(smtp_sink.link_in(invitation, "/account/uitnodiging/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij het LCV-portaal")
    site.set_password(NEW_PASSWORD)
    assert site.path() == "/account/inloggen/"
    site.submit_login("nadia@energieoost.nl", NEW_PASSWORD)
    site.second_factor("nadia@energieoost.nl")
    assert site.path() == "/start/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Nadia")
    expect(page.get_by_role("main")).to_contain_text("U werkt voor Energie Oost (Signaalpartner) als tekenbevoegde.")
    expect(page.get_by_role("region", name="Te ondertekenen")).to_be_visible()
    site.log_out()

    # --- the old signatory can no longer sign -----------------------------------------------
    site.log_in("oscar@energieoost.nl", TEST_PASSWORD)
    assert site.path() == "/start/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Oscar")
    expect(page.get_by_role("main")).to_contain_text(
        "U werkt voor Energie Oost (Signaalpartner), maar heeft op dit moment geen rol in het portaal."
    )
    expect(page.get_by_role("heading", name="Te ondertekenen")).to_have_count(0)
    expect(page.get_by_role("region", name="Te ondertekenen")).to_have_count(0)
    site.click(page.get_by_role("banner").get_by_role("link", name="Mijn organisatie"))
    assert site.path() == f"/organisaties/{organisation.pk}/"
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Nadia Nieuw")).to_contain_text("Tekenbevoegde")
    expect(rows.filter(has_text="Oscar Oud")).not_to_contain_text("Tekenbevoegde")
    expect(rows.filter(has_text="Carla Contact")).not_to_contain_text("Tekenbevoegde")
    expect(rows.filter(has_text="Tekenbevoegde")).to_have_count(1)
    assert [m.user.email for m in Membership.objects.filter(organisation=organisation, is_signatory=True)] == [
        "nadia@energieoost.nl"
    ]
