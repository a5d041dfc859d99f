"""Issue 9, people in the browser: a new partner's contact invites a deliverer; the deliverer sets a
password from the e-mailed link, enrols the second factor at first login and delivers signals; the
contact deactivates them and the deliverer's open session ends on its next request."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from lcv.accounts.models import User
from lcv.organisations.models import Sector
from lcv.signals.models import Delivery, DeliveryStatus
from lcv.testing.browser import run_queued_tasks
from lcv.testing.factories import TEST_PASSWORD, make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, csv_bytes, postcode, row

pytestmark = pytest.mark.browser

NEW_PASSWORD = "een-lange-zin-voor-dirk-7"


def test_a_contact_invites_a_deliverer_who_delivers_and_is_then_deactivated(
    site, smtp_sink, browser: Browser, base_url, axe
):
    page = site.page
    municipality_organisation("0344")
    water = make_organisation(name="Water Nieuw", sector=Sector.WATER, national_coverage=True)
    activate_all(water)
    postcode("3511AB", "0344")
    member(water, "contact", email="carla@waternieuw.nl", full_name="Carla Contact")

    # --- the contact invites a colleague as deliverer -------------------------------------------
    site.log_in("carla@waternieuw.nl", TEST_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Mensen", exact=True))
    assert site.path() == "/organisatie/mensen/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Mensen van Water Nieuw")
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Naam").fill("Dirk Deliverer")
    form.get_by_label("E-mailadres").fill("dirk@waternieuw.nl")
    form.get_by_label("Aanleverancier").check()
    site.click(form.get_by_role("button", name="Uitnodigen"))
    expect(page.get_by_role("status")).to_contain_text("Dirk Deliverer is uitgenodigd")
    row_of_dirk = page.get_by_test_id("person-row").filter(has_text="Dirk Deliverer")
    expect(row_of_dirk).to_contain_text("Uitgenodigd, nog niet aangemeld")
    expect(row_of_dirk).to_contain_text("Aanleverancier")

    # --- the deliverer, in a browser of his own, sets a password and enrols the second factor ------
    context = browser.new_context()
    dirk = type(site)(context.new_page(), base_url, axe)  # a second person, in a browser of his own
    link = smtp_sink.link_in(
        smtp_sink.only("dirk@waternieuw.nl", "Uitnodiging voor het LCV-portaal"), "/account/uitnodiging/"
    )
    dirk.visit(link)
    dirk.set_password(NEW_PASSWORD)
    dirk.submit_login("dirk@waternieuw.nl", NEW_PASSWORD)
    assert dirk.path() == "/account/tweede-factor/instellen/"  # every account: a second factor first
    dirk.second_factor("dirk@waternieuw.nl")
    assert dirk.path() == "/start/"

    # --- and delivers ------------------------------------------------------------------------------
    dirk.click(dirk.page.get_by_role("banner").get_by_role("link", name="Aanleveren", exact=True))
    dirk.page.get_by_label("Bestand met signalen (CSV of Excel, ten hoogste 50 MB)").set_input_files(
        {"name": "signalen.csv", "mimeType": "text/csv", "buffer": csv_bytes([row(achterstand_sinds="01-01-2025")])}
    )
    dirk.click(dirk.page.get_by_role("main").get_by_role("button", name="Aanleveren"))
    with dirk.page.expect_event("load", timeout=15_000):  # the progress poll reloads the outcome
        run_queued_tasks()
    dirk.check_accessibility()
    expect(dirk.page.get_by_test_id("count-accepted")).to_have_text("1")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.accepted, delivery.received_by.email) == (
        DeliveryStatus.DONE,
        1,
        "dirk@waternieuw.nl",
    )

    # --- the contact sees him active with a second factor, and deactivates him -----------------------
    site.visit("/organisatie/mensen/")
    row_of_dirk = page.get_by_test_id("person-row").filter(has_text="Dirk Deliverer")
    expect(row_of_dirk).to_contain_text("Actief")
    expect(row_of_dirk).to_contain_text("ingesteld")
    site.click(row_of_dirk.get_by_role("link", name="Dirk Deliverer"))
    site.click(page.get_by_role("button", name="Dirk Deliverer deactiveren"))
    expect(page.get_by_role("status")).to_contain_text("is gedeactiveerd en kan niet meer inloggen")
    assert not User.objects.get(email="dirk@waternieuw.nl").is_active

    # --- his open session ends at his next click ----------------------------------------------------
    dirk.visit("/aanleveringen/")
    assert dirk.path().startswith("/account/inloggen/")
    dirk.submit_login("dirk@waternieuw.nl", NEW_PASSWORD)
    expect(dirk.page.get_by_role("alert")).to_be_visible()
    assert dirk.path().startswith("/account/inloggen/")
    dirk.assert_all_pages_checked()
    context.close()
