"""Issue 5, uploading signals in the browser: a deliverer of a national water partner logs in with
a password and a second factor, downloads the Excel template, and uploads a 10-row CSV with 3 bad
rows. The upload only stores the delivery and queues its processing, so the delivery page first
shows the progress (htmx polls it); once the project's worker has run the task, the page refreshes
by itself (HX-Refresh) and shows 7 rows accepted and the 3 refused rows with their fields and Dutch
reasons, in the table and in the downloadable error report."""

from __future__ import annotations

import base64
import csv
import io
import re

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from playwright.sync_api import expect

from lcv.organisations.models import Sector
from lcv.signals.columns import NAMES
from lcv.signals.models import Delivery, DeliveryStatus, RowError, Signal
from lcv.testing.browser import download, run_queued_tasks
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, csv_bytes, postcode, row

pytestmark = pytest.mark.browser

PROCESS_TASK = "lcv.signals.tasks.process_delivery_task"

# well over the agreements' minimum days of arrears (R11) whatever day the test runs
LONG_AGO = "01-01-2025"

# the progress before the worker has begun (it counts the rows first: until then the total is "?")
NOT_STARTED = re.compile(
    r"Ontvangen; de rijen worden geteld\. De verwerking begint zo\.|Bezig met verwerken: 0 van 10 rijen gedaan\."
)

# row number in the file (the header is row 1) -> (column, changed value, Dutch message)
BAD_ROWS = {
    3: ("soort", "parkeren", "'parkeren' is geen soort uit het convenant; kies uit huur, drinkwater,"),
    7: ("postcode", "1234", "'1234' is geen Nederlandse postcode (zoals 3511AB)"),
    10: ("mvi_toegepast", "nee", "moet ja zijn: eerst maatschappelijk verantwoord incasseren (art. 2.1)"),
}


def ten_rows() -> list[dict[str, str]]:
    """Ten drinking-water signals, in Utrecht and Zeist (both with an active agreement); the rows
    in BAD_ROWS each have one clear fault, each in another column."""
    rows = []
    for number in range(2, 12):
        in_zeist = number % 2 == 1
        values = row(
            klantnummer=f"K-{number:03d}",
            achternaam=f"Bewoner{number}",
            postcode="3701AA" if in_zeist else "3511AB",
            huisnummer=number,
            woonplaats="Zeist" if in_zeist else "Utrecht",
            achterstand_sinds=LONG_AGO,
        )
        if number in BAD_ROWS:
            column, value, _message = BAD_ROWS[number]
            values[column] = value
        rows.append(values)
    return rows


# --- the test -----------------------------------------------------------------------------------


def test_a_deliverer_uploads_ten_rows_sees_progress_then_seven_accepted_and_the_three_refused(site, totp_code):
    page = site.page
    municipality_organisation("0344")  # Utrecht
    municipality_organisation("0355")  # Zeist
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    activate_all(water)  # active agreements with Utrecht and Zeist
    postcode("3511AB", "0344")
    postcode("3701AA", "0355")
    deliverer = member(water, "deliverer", email="aanlever@water.nl", full_name="Dirk Deliverer")
    device = confirmed_device(deliverer)

    # --- logging in: a deliverer sees personal data, so the password is followed by a code ---------
    site.log_in(deliverer.email, TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/"
    site.pass_second_factor(totp_code(base64.b32encode(device.bin_key).decode()))
    assert site.path() == "/start/"

    site.click(page.get_by_role("banner").get_by_role("link", name="Aanleveren", exact=True))
    assert site.path() == "/aanleveringen/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Signalen aanleveren")
    expect(page.get_by_role("main")).to_contain_text("Nog geen aanleveringen.")

    # --- the Excel template opens in a spreadsheet program and has the columns as its first row ----
    filename, template = download(page, page.get_by_role("link", name="Sjabloon downloaden (Excel)"))
    assert filename == "lcv-signalen-sjabloon.xlsx"
    sheet = load_workbook(io.BytesIO(template)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(NAMES)

    # --- the upload stores the file and queues its processing; nothing is judged yet ---------------
    content = csv_bytes(ten_rows())
    page.get_by_label("Bestand met signalen (CSV of Excel, ten hoogste 50 MB)").set_input_files(
        {"name": "signalen-maart.csv", "mimeType": "text/csv", "buffer": content}
    )
    site.click(page.get_by_role("main").get_by_role("button", name="Aanleveren"))

    delivery = Delivery.objects.get()
    assert site.path() == f"/aanleveringen/{delivery.pk}/"
    assert delivery.status == DeliveryStatus.RECEIVED  # the worker has not run yet
    assert bytes(delivery.content) == content
    queued = DBTaskResult.objects.filter(task_path=PROCESS_TASK)
    assert [result.args_kwargs["args"] for result in queued] == [[delivery.pk]]
    expect(page.get_by_role("status")).to_contain_text(
        "Het bestand is ontvangen en wordt verwerkt. Hieronder ziet u de voortgang."
    )
    expect(page.get_by_role("main")).to_contain_text("signalen-maart.csv")
    expect(page.get_by_test_id("progress-text")).to_have_text(NOT_STARTED)
    expect(page.get_by_role("progressbar", name="Voortgang van de verwerking")).to_be_visible()
    expect(page.locator("progress")).to_have_count(1)
    expect(page.get_by_role("table", name="Uitkomst")).to_have_count(0)  # no outcome while it runs
    # the page keeps asking how far processing is, and is told to stay
    with page.expect_response(lambda response: "/voortgang/" in response.url) as polled:
        pass
    assert polled.value.status == 200
    assert polled.value.headers.get("hx-refresh") is None
    expect(page.get_by_test_id("progress-text")).to_have_text(NOT_STARTED)

    # --- the worker processes the delivery; the next poll makes the page reload with the outcome ----
    with page.expect_event("load", timeout=15_000):
        run_queued_tasks()
    site.check_accessibility()
    assert site.path() == f"/aanleveringen/{delivery.pk}/"

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DONE
    assert (delivery.rows_total, delivery.rows_done, delivery.accepted, delivery.rejected) == (10, 10, 7, 3)
    assert Signal.objects.filter(delivery=delivery).count() == 7
    assert sorted(Signal.objects.filter(delivery=delivery).values_list("row_number", flat=True)) == [
        number for number in range(2, 12) if number not in BAD_ROWS
    ]
    errors = list(RowError.objects.filter(delivery=delivery).values_list("row_number", "field", "message"))
    assert [(number, field) for number, field, _message in errors] == [
        (number, column) for number, (column, _value, _message) in BAD_ROWS.items()
    ]

    main = page.get_by_role("main")
    expect(page.get_by_test_id("progress-text")).to_have_text("Verwerkt")
    expect(page.get_by_role("progressbar", name="Voortgang van de verwerking")).to_have_attribute("value", "100")
    expect(main.get_by_role("table", name="Uitkomst")).to_be_visible()
    expect(page.get_by_test_id("count-rows")).to_have_text("10")
    expect(page.get_by_test_id("count-accepted")).to_have_text("7")
    expect(page.get_by_test_id("count-rejected")).to_have_text("3")
    expect(main.get_by_role("heading", name="Afgewezen rijen", level=2)).to_be_visible()
    expect(main.get_by_role("table", name="3 fouten")).to_be_visible()
    error_rows = page.get_by_test_id("error-row")
    expect(error_rows).to_have_count(3)
    for index, (number, (column, _value, message)) in enumerate(BAD_ROWS.items()):
        cells = error_rows.nth(index).get_by_role("cell")
        expect(cells).to_have_count(4)
        expect(cells.nth(0)).to_have_text(str(number))
        expect(cells.nth(1)).to_have_text(f"K-{number:03d}")  # the partner finds the row by its own number
        expect(cells.nth(2)).to_have_text(column)
        expect(cells.nth(3)).to_contain_text(message)

    # --- the error report: the same rows, fields and reasons, for Excel -----------------------------
    filename, report = download(page, page.get_by_role("link", name="Foutenrapport downloaden (CSV, voor Excel)"))
    assert filename == f"aanlevering-{delivery.pk}-fouten.csv"
    assert report.startswith(b"\xef\xbb\xbf")  # byte-order mark: Excel reads UTF-8
    lines = list(csv.reader(io.StringIO(report.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["rij", "klantnummer", "veld", "melding"]
    assert len(lines) == 1 + len(BAD_ROWS)
    for line, (number, (column, _value, message)) in zip(lines[1:], BAD_ROWS.items(), strict=True):
        assert line[:3] == [str(number), f"K-{number:03d}", column]
        assert line[3].startswith(message)

    # the delivery is on the list with its counts
    site.click(page.get_by_role("link", name="Terug naar alle aanleveringen"))
    delivery_row = page.get_by_test_id("delivery-row")
    expect(delivery_row).to_have_count(1)
    expect(delivery_row).to_contain_text("Bestand in het portaal: signalen-maart.csv")
    expect(delivery_row.get_by_role("cell").nth(3)).to_have_text("10")
    expect(delivery_row.get_by_role("cell").nth(4)).to_have_text("7")
    expect(delivery_row.get_by_role("cell").nth(5)).to_have_text("3")
