"""Issue 10, the natural correction: a deliverer uploads a file with refused rows, fixes those rows
in the same file and uploads the whole file again. Only the fixed rows are admitted; the rows
admitted the first time are named as already delivered (not as errors). The same signal sent
through the API afterwards is refused as already delivered too."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from lcv.organisations.models import Sector
from lcv.signals.models import Delivery, DeliveryStatus, Signal
from lcv.signals.tokens import create_token
from lcv.testing.browser import run_queued_tasks
from lcv.testing.factories import TEST_PASSWORD, make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, csv_bytes, postcode, row

pytestmark = pytest.mark.browser

LONG_AGO = "01-01-2025"
BROKEN = {3: ("postcode", "1234"), 5: ("bedrag", "twaalf")}  # file row -> (column, bad value)


def rows(fixed: bool) -> list[dict[str, str]]:
    out = []
    for number in range(2, 7):
        values = row(
            klantnummer=f"K-{number:03d}",
            achternaam=f"Bewoner{number}",
            huisnummer=number,
            achterstand_sinds=LONG_AGO,
        )
        if number in BROKEN and not fixed:
            column, value = BROKEN[number]
            values[column] = value
        out.append(values)
    return out


def upload(site, name: str, content: bytes) -> Delivery:
    page = site.page
    site.visit("/aanleveringen/")
    page.get_by_label("Bestand met signalen (CSV of Excel, ten hoogste 50 MB)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    site.click(page.get_by_role("main").get_by_role("button", name="Aanleveren"))
    delivery = Delivery.objects.latest("pk")
    run_queued_tasks()
    site.visit(f"/aanleveringen/{delivery.pk}/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DONE
    return delivery


def test_fix_the_refused_rows_and_upload_the_whole_file_again(site, live_server):
    page = site.page
    municipality_organisation("0344")
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    activate_all(water)
    postcode("3511AB", "0344")
    deliverer = member(water, "deliverer", email="aanlever@water.nl", full_name="Dirk Deliverer")
    site.log_in(deliverer.email, TEST_PASSWORD)

    first = upload(site, "maart.csv", csv_bytes(rows(fixed=False)))
    assert (first.accepted, first.rejected, first.repeated) == (3, 2, 0)
    expect(page.get_by_test_id("count-rejected")).to_have_text("2")

    # the deliverer fixes the two rows in the same file and sends all of it again
    second = upload(site, "maart-verbeterd.csv", csv_bytes(rows(fixed=True)))
    assert (second.accepted, second.rejected, second.repeated) == (2, 0, 3)
    assert sorted(Signal.objects.filter(delivery=second).values_list("row_number", flat=True)) == sorted(BROKEN)
    assert Signal.objects.count() == 5
    site.check_accessibility()
    main = page.get_by_role("main")
    expect(page.get_by_test_id("count-accepted")).to_have_text("2")
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("count-repeated")).to_have_text("3")
    repeats = page.get_by_test_id("repeat-row")
    expect(repeats).to_have_count(3)
    for index, number in enumerate(n for n in range(2, 7) if n not in BROKEN):
        cells = repeats.nth(index).get_by_role("cell")
        expect(cells.nth(0)).to_have_text(str(number))
        expect(cells.nth(1)).to_contain_text("al aangeleverd op")
        expect(cells.nth(1)).to_contain_text(f"in aanlevering {first.pk}")
    expect(main).not_to_contain_text("Afgewezen rijen")

    # the same signal once more, now from the partner's own system through the API
    _token, plain = create_token(organisation=water, actor=member(water, "contact"), name="Incassosysteem")
    body = {"aanlever_id": "api-1", "signalen": [rows(fixed=True)[0]]}
    response = page.request.post(
        f"{live_server.url}/api/v1/deliveries",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {plain}", "Content-Type": "application/json"},
    )
    assert response.status == 202, response.text()
    run_queued_tasks()
    result = page.request.get(
        f"{live_server.url}/api/v1/deliveries/api-1", headers={"Authorization": f"Bearer {plain}"}
    ).json()
    assert (result["geaccepteerd"], result["afgewezen"], result["al_aangeleverd"]) == (0, 0, 1), result
    assert f"in aanlevering {first.pk}" in result["herhalingen"][0]["melding"], result
    assert Signal.objects.count() == 5
