"""The helpdesk's screens for agreements: the list of all agreements with its filters, withdrawing
a draft and recording a party's departure (FAQ 16), and the art. 3.1 windows per template version."""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementStatus, AgreementTemplate
from lcv.agreements.reference import current_template
from lcv.organisations.models import OrganisationKind, Sector
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member, municipality_organisation

pytestmark = pytest.mark.browser


def log_in_as_helpdesk(site, totp_code) -> None:
    """Password, then the code from the authenticator app; ends on the start page."""
    platform = make_organisation(
        kind=OrganisationKind.PLATFORM, name="LCV-platform", kvk_number="", sector="", national_coverage=False
    )
    user = member(platform, "helpdesk", email="helpdesk@voorbeeld.nl", full_name="Hanna Helpdesk")
    device = confirmed_device(user)
    page = site.page
    site.log_in("helpdesk@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/"
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(base64.b32encode(device.bin_key).decode()))
    site.click(page.get_by_role("main").get_by_role("button", name="Inloggen"))
    assert site.path() == "/start/"


def test_helpdesk_withdraws_a_draft_and_records_the_partners_departure(site, smtp_sink, totp_code):
    # Utrecht and Zeist, each with a water and an energy partner: four drafts
    utrecht = municipality_organisation("0344")
    zeist = municipality_organisation("0355")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    for organisation, address in ((utrecht, "utrecht"), (zeist, "zeist"), (water, "water"), (energy, "energie")):
        member(organisation, "contact", email=f"contact@{address}.nl")
    assert generate_agreements() == 4
    utrecht_water = Agreement.objects.get(municipal_party=utrecht, partner=water)
    zeist_water = Agreement.objects.get(municipal_party=zeist, partner=water)
    Agreement.objects.filter(pk=zeist_water.pk).update(status=AgreementStatus.RELEASED)
    log_in_as_helpdesk(site, totp_code)
    page = site.page

    site.click(page.get_by_role("banner").get_by_role("link", name="Alle overeenkomsten"))

    assert site.path() == "/beheer/overeenkomsten/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle overeenkomsten")
    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_have_text("4 overeenkomsten")

    # --- filter by status ---------------------------------------------------------------------
    page.get_by_label("Status").select_option(label="Concept")
    site.click(page.get_by_role("button", name="Filteren"))
    assert site.path() == "/beheer/overeenkomsten/?status=draft&sector=&zoek="
    expect(page.get_by_label("Status")).to_have_value("draft")
    expect(table.get_by_role("caption")).to_have_text("3 overeenkomsten")
    expect(table.get_by_role("row").filter(has_text="Vrijgegeven voor ondertekening")).to_have_count(0)

    # --- only the partner's agreements --------------------------------------------------------
    site.click(table.get_by_role("link", name="Water Midden"))
    assert site.path() == f"/beheer/overeenkomsten/?organisatie={water.pk}"
    card = page.get_by_role("region", name="Water Midden")
    expect(card.get_by_role("heading", level=2)).to_have_text("Water Midden")
    expect(card).to_contain_text("worden 2 overeenkomsten die nog niet actief zijn ingetrokken.")
    expect(table.get_by_role("caption")).to_have_text("2 overeenkomsten")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(3)  # header and two agreements
    expect(rows.filter(has_text="Energie Direct")).to_have_count(0)
    utrecht_row = rows.filter(has_text="Gemeente Utrecht")
    zeist_row = rows.filter(has_text="Gemeente Zeist")
    expect(utrecht_row).to_contain_text("Concept")
    expect(zeist_row).to_contain_text("Vrijgegeven voor ondertekening")

    # --- withdraw the draft -------------------------------------------------------------------
    page.get_by_role("checkbox", name=f"Overeenkomst {utrecht_water.pk} kiezen").check()
    page.get_by_role("radio", name="Intrekken").check()
    page.get_by_label("Reden of toelichting").fill("Ten onrechte aangemaakt")
    site.click(page.get_by_role("button", name="Uitvoeren"))

    assert site.path() == f"/beheer/overeenkomsten/?organisatie={water.pk}"
    expect(page.get_by_role("status")).to_have_text(
        "1 overeenkomst(en) ingetrokken; de contactpersonen van de partijen zijn bericht."
    )
    expect(utrecht_row.get_by_role("cell").last).to_have_text("Ingetrokken")
    expect(utrecht_row.get_by_role("checkbox")).to_have_count(0)
    expect(zeist_row).to_contain_text("Vrijgegeven voor ondertekening")
    assert Agreement.objects.get(pk=utrecht_water.pk).status == AgreementStatus.WITHDRAWN
    assert Agreement.objects.get(pk=zeist_water.pk).status == AgreementStatus.RELEASED
    subject = "Overeenkomst ingetrokken: Gemeente Utrecht en Water Midden"
    assert "Ten onrechte aangemaakt" in smtp_sink.text_of(smtp_sink.only("contact@utrecht.nl", subject))
    smtp_sink.only("contact@water.nl", subject)
    assert smtp_sink.addressed_to("contact@zeist.nl") == []

    # --- record the departure -----------------------------------------------------------------
    expect(card).to_contain_text("wordt 1 overeenkomst die nog niet actief is ingetrokken.")
    card.get_by_label("Reden van vertrek").fill("Water Midden houdt op te bestaan")
    site.click(card.get_by_role("button", name="Vertrek vastleggen"))

    assert site.path() == f"/beheer/overeenkomsten/?organisatie={water.pk}"
    expect(page.get_by_role("status")).to_have_text(
        "Vertrek van Water Midden vastgelegd; 1 overeenkomst(en) ingetrokken of beëindigd."
    )
    water.refresh_from_db()
    assert water.left_at is not None
    left_on = timezone.localtime(water.left_at).strftime("%d-%m-%Y")
    expect(card).to_contain_text(f"Vertrokken op {left_on}: krijgt geen nieuwe overeenkomsten.")
    expect(card.get_by_role("button", name="Vertrek vastleggen")).to_have_count(0)
    expect(zeist_row.get_by_role("cell").last).to_have_text("Ingetrokken")
    assert set(Agreement.objects.filter(partner=water).values_list("status", flat=True)) == {AgreementStatus.WITHDRAWN}
    assert set(Agreement.objects.filter(partner=energy).values_list("status", flat=True)) == {AgreementStatus.DRAFT}
    subject = "Overeenkomst ingetrokken: Gemeente Zeist en Water Midden"
    assert "Water Midden houdt op te bestaan" in smtp_sink.text_of(smtp_sink.only("contact@zeist.nl", subject))
    smtp_sink.only("contact@water.nl", subject)
    assert smtp_sink.addressed_to("contact@energie.nl") == []


def test_helpdesk_changes_a_window_and_is_told_in_dutch_about_a_bad_one(site, totp_code):
    template = current_template()
    assert template.windows["water"]["min_days"] != 45
    log_in_as_helpdesk(site, totp_code)
    page = site.page

    site.click(page.get_by_role("banner").get_by_role("link", name="Sjablonen"))

    assert site.path() == "/beheer/sjablonen/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjablonen en termijnen")
    version = page.get_by_role("region", name=f"Versie {template.version} (huidige versie)")
    expect(version).to_contain_text("0 overeenkomsten gemaakt van deze versie.")
    water_minimum = version.get_by_label("Drinkwater: vanaf (dagen)")
    save = version.get_by_role("button", name=f"Termijnen van versie {template.version} opslaan")

    # --- a good value is saved in place (the version is not in use) -------------------------------
    water_minimum.fill("45")
    site.click(save)

    assert site.path() == "/beheer/sjablonen/"
    expect(page.get_by_role("status")).to_have_text(f"De termijnen van versie {template.version} zijn gewijzigd.")
    expect(water_minimum).to_have_value("45")
    template.refresh_from_db()
    assert template.windows["water"]["min_days"] == 45
    assert AgreementTemplate.objects.get(is_current=True) == template  # changed in place, no new version
    saved = dict(template.windows)

    # --- 0 days: the browser's own check (min="1") keeps the form from being sent ----------------
    water_minimum.fill("0")
    save.click()
    assert water_minimum.evaluate("input => input.validity.rangeUnderflow")
    assert site.path() == "/beheer/sjablonen/"
    expect(page.get_by_role("status")).to_have_text(f"De termijnen van versie {template.version} zijn gewijzigd.")

    # --- without that check (as in a browser that skips it) the server refuses it in Dutch -------
    version.locator("form").evaluate("form => { form.noValidate = true; }")
    site.click(save)

    assert site.path() == "/beheer/sjablonen/"
    expect(page.get_by_role("alert")).to_have_text("Drinkwater: vul een minimum van ten minste 1 dag in.")
    expect(water_minimum).to_have_value("45")
    template.refresh_from_db()
    assert template.windows == saved
    assert AgreementTemplate.objects.filter(is_current=True).get() == template
