"""The other pages a signed-in person reaches: their organisation, the audit log, error pages."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from lcv.organisations.models import OrganisationKind
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, make_user, member

pytestmark = pytest.mark.browser


def test_contact_sees_own_organisation_and_its_people(site):
    organisation = make_organisation(name="Energie Oost", kvk_number="12345678")
    member(organisation, "contact", email="contact@voorbeeld.nl", full_name="Carla Contact")
    member(organisation, "analyst", email="analist@voorbeeld.nl", full_name="Anton Analist")
    other = make_organisation(name="Andere Organisatie")
    site.log_in("contact@voorbeeld.nl", TEST_PASSWORD)

    site.click(site.page.get_by_role("banner").get_by_role("link", name="Mijn organisatie"))

    page = site.page
    assert site.path() == f"/organisaties/{organisation.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Energie Oost")
    expect(page.get_by_role("definition").filter(has_text="12345678")).to_have_count(1)
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # header and two people
    expect(rows.filter(has_text="Anton Analist")).to_contain_text("Beleidsmedewerker")
    expect(rows.filter(has_text="Carla Contact")).to_contain_text("Contactpersoon vroegsignalering")

    # another organisation's page does not exist for this person
    response = site.visit(f"/organisaties/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")


def test_platform_helpdesk_reads_and_filters_the_audit_log(site, totp_code):
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

    site.click(page.get_by_role("banner").get_by_role("link", name="Auditlog"))

    assert site.path() == "/beheer/audit/"
    table = page.get_by_role("table")
    # issue 10: actions in words, never codes, and a filter that offers the words
    expect(table.get_by_role("row").filter(has_text="Tweede factor gebruikt bij inloggen")).to_have_count(1)
    expect(table).not_to_contain_text("account.")

    page.get_by_label("Handeling").select_option(label="Tweede factor gebruikt bij inloggen")
    site.click(page.get_by_role("button", name="Filteren"))
    expect(table.get_by_role("caption")).to_have_text("1 gebeurtenis, nieuwste eerst")
    expect(table.get_by_role("row").filter(has_text="Tweede factor gebruikt bij inloggen")).to_have_count(1)
    site.check_accessibility()


def test_signatory_is_refused_the_audit_log(site):
    member(make_organisation(), "signatory", email="teken@voorbeeld.nl")
    site.log_in("teken@voorbeeld.nl", TEST_PASSWORD)

    response = site.visit("/beheer/audit/")

    assert response.status == 403
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Geen toegang")


def test_person_without_organisation_is_told_so(site):
    make_user(email="los@voorbeeld.nl")

    response = site.log_in("los@voorbeeld.nl", TEST_PASSWORD)

    assert response.status == 403
    assert site.path() == "/start/"
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Uw account hoort nog bij geen organisatie")


def test_unknown_address_shows_the_dutch_not_found_page(site):
    response = site.visit("/bestaat-niet/")

    assert response.status == 404
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    site.click(site.page.get_by_role("link", name="Naar de startpagina"))
    assert site.path() == "/account/inloggen/"
