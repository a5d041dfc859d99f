"""R17 in the browser: a municipality's handler finds the debt-help page from the start page,
uploads a list with a bad line (refused, lines named), then a good one (count shown, no number)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lcv.testing.debthelp import bsn_csv, invalid_bsn, valid_bsns
from lcv.testing.factories import TEST_PASSWORD, member, municipality_organisation

pytestmark = pytest.mark.browser

LABEL = "Bestand met burgerservicenummers (CSV, ten hoogste 5 MB)"


def test_handler_replaces_the_debt_help_list(site):
    utrecht = municipality_organisation("0344")
    member(utrecht, "handler", email="behandelaar@utrecht.nl", full_name="Henk Behandelaar")
    numbers = valid_bsns(3, start=60_000_000)
    page = site.page
    site.log_in("behandelaar@utrecht.nl", TEST_PASSWORD)

    site.click(page.get_by_role("main").get_by_role("link", name="Lijst bekijken of vervangen"))
    assert site.path() == "/schuldhulp/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekend bij schuldhulpverlening")

    wrong = invalid_bsn(numbers[2])
    page.get_by_label(LABEL).set_input_files(
        {"name": "lijst.csv", "mimeType": "text/csv", "buffer": bsn_csv([*numbers[:2], wrong])}
    )
    site.click(page.get_by_role("button", name="Lijst vervangen"))
    alert = page.get_by_test_id("upload-refused")
    expect(alert).to_contain_text("Regel 4: geen geldig burgerservicenummer (elfproef).")
    expect(page.get_by_test_id("no-list")).to_be_visible()
    assert wrong not in page.content()

    page.get_by_label(LABEL).set_input_files({"name": "lijst.csv", "mimeType": "text/csv", "buffer": bsn_csv(numbers)})
    site.click(page.get_by_role("button", name="Lijst vervangen"))
    expect(page.get_by_role("status")).to_contain_text("De lijst is vervangen: 3 inwoners")
    expect(page.get_by_test_id("current-count")).to_have_text("3")
    expect(page.get_by_test_id("history-row")).to_have_count(1)
    expect(page.get_by_test_id("history-row")).to_contain_text("Henk Behandelaar")
    content = page.content()
    assert not [number for number in numbers if number in content]
    site.assert_all_pages_checked()
