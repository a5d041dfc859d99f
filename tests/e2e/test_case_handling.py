"""Issue 11 in the browser (R17-R19): Utrecht's handler in the demo works its cases.

The demo data is loaded through the real services, and the BRP test service answers the handler's
lookups over HTTP, so the production client is the one used. The handler opens the work trays (by
deadline, then priority, each score explained), opens a case whose BRP check matched (the opening is
logged), records a failed phone call and a reached home visit, sets "hulp geaccepteerd" and sees the
8-week term for the plan. A second case goes through the mismatch list: the handler picks the person
from the BRP's residents and the case leaves the list; closing it with an outcome that needs a
reached resident is refused in Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, expect

from lcv.accounts.models import User
from lcv.brp.demo_residents import DEMO_RESIDENTS
from lcv.brp.testservice import start_test_service
from lcv.cases.deadlines import plan_due
from lcv.cases.models import BrpStatus, Case, CaseAccess, CaseStatus
from lcv.cases.outcomes import ContactKind
from lcv.organisations.reference import load_municipalities
from lcv.portal.demo import DEMO_PASSWORD, DOMAIN, load_demo_data
from lcv.testing.browser import off_the_event_loop

pytestmark = pytest.mark.browser

HANDLER = f"behandelaar.utrecht@{DOMAIN}"
BRP_KEY = "e2e-brp-sleutel"
MATCHED = "Gevonden in de BRP"
MISMATCH = "Niet eenduidig gevonden"
SETTINGS_PAGES = (  # the contact's menu: link, heading of the page
    ("Prioriteit", "Prioriteit van zaken"),
    ("Werkbakken en regels", "Werkbakken en triageregels"),
    ("Mandaten", "Mandaten voor uitvoerders"),
    ("Brief", "Brief aan inwoners"),
)


@pytest.fixture
def brp(settings) -> Iterator[str]:
    """The BRP test service, reachable over HTTP while the test runs (the handler's lookups)."""
    with start_test_service(api_key=BRP_KEY, residents=DEMO_RESIDENTS) as service:
        settings.BRP_BASE_URL = service.base_url
        settings.BRP_API_KEY = BRP_KEY
        yield service.base_url


@pytest.fixture
def demo(brp) -> User:
    """The demo, loaded as `lcv demo` does; returns Utrecht's handler."""
    load_municipalities()  # an earlier browser test may have flushed the reference data
    off_the_event_loop(load_demo_data)
    return User.objects.get(email=HANDLER)


def day(text: str) -> date:
    return datetime.strptime(text, "%d-%m-%Y").date()


def case_of(link: Locator) -> Case:
    """The case a "Zaak N" link points at (cases are addressed by number only)."""
    href = link.get_attribute("href") or ""
    match = re.fullmatch(r"/zaken/(\d+)/", href)
    assert match, href
    return Case.objects.get(pk=int(match.group(1)))


def assert_ordered_by_deadline_then_score(rows: Locator) -> None:
    keys = []
    for index in range(rows.count()):
        cells = rows.nth(index).get_by_role("cell")
        deadline = re.search(r"\d{2}-\d{2}-\d{4}", cells.nth(1).inner_text())
        score = int(rows.nth(index).get_by_test_id("score").locator("summary").inner_text())
        keys.append((day(deadline.group(0)) if deadline else date.max, -score))
    assert len(keys) > 1
    assert keys == sorted(keys), keys


def assert_breakdown_adds_up(site, score: Locator) -> None:
    """Open the score of a row: the breakdown's points add up to the score shown."""
    score.locator("summary").click()
    breakdown = score.locator("table")
    expect(breakdown.locator("caption")).to_have_text("Zo is de prioriteit berekend")
    expect(breakdown).to_be_visible()
    site.check_accessibility()  # the opened breakdown too
    total = int(score.locator("summary").inner_text())
    lines = breakdown.locator("tr")
    points = [int(lines.nth(i).locator("td").last.inner_text()) for i in range(lines.count() - 1)]
    assert points, "the breakdown has no lines"
    assert all(points), points  # only the parts that count are listed
    expect(lines.last).to_contain_text("Totaal")
    assert sum(points) == total == int(lines.last.locator("td").last.inner_text())


def record_attempt(site, kind: str, reached: str) -> None:
    page = site.page
    details = page.get_by_role("main").locator("details").filter(has_text="Contactpoging vastleggen")
    details.locator("summary").click()
    site.check_accessibility()  # the opened form too
    details.get_by_label("Soort contact").select_option(label=kind)
    details.get_by_label(reached, exact=True).check()
    site.click(details.get_by_role("button", name="Contactpoging opslaan"))
    expect(page.get_by_role("status").filter(has_text="De contactpoging is vastgelegd.")).to_be_visible()


def test_a_handler_works_a_matched_case_and_a_mismatch(site, demo):
    page = site.page
    handler = demo
    site.log_in(HANDLER, DEMO_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Werkbakken"))
    assert site.path() == "/zaken/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbakken")

    # --- the trays: by deadline, then priority, every score explained ---------------------------
    rows = page.get_by_test_id("case-row")
    open_cases = Case.objects.filter(municipal_party=handler.membership.organisation, is_open=True)
    expect(rows).to_have_count(open_cases.filter(enters_at__lte=timezone.now()).count())
    assert_ordered_by_deadline_then_score(rows)
    assert_breakdown_adds_up(site, rows.first.get_by_test_id("score"))

    # --- a case whose BRP check matched (the BRP writes Janssen) --------------------------------
    jansen_row = rows.filter(has_text="Voorstraat 14, 3512 BB")
    expect(jansen_row).to_have_count(1)
    link = jansen_row.get_by_role("link", name=re.compile(r"^Zaak \d+$"))
    jansen = case_of(link)
    assert not CaseAccess.objects.filter(case=jansen, user=handler).exists()
    site.click(link)
    expect(page.get_by_test_id("persons")).to_contain_text(MATCHED)
    expect(page.get_by_test_id("brp-status")).to_have_text(MATCHED)
    assert CaseAccess.objects.filter(case=jansen, user=handler, what="case").count() == 1  # §4

    # the person's own page shows the BSN the BRP check found (and that opening is logged too)
    person = jansen.persons.get()
    joost = next(r for r in DEMO_RESIDENTS if (r.postcode, r.house_number) == ("3512BB", 14))
    assert person.bsn == joost.bsn
    assert joost.bsn not in page.content()
    site.click(page.get_by_test_id("persons").get_by_role("link", name=person.name))
    expect(page.get_by_test_id("bsn")).to_have_text(joost.bsn)
    assert CaseAccess.objects.filter(case=jansen, user=handler, what="person", person=person).count() == 1
    site.click(page.get_by_role("link", name=f"Terug naar zaak {jansen.pk}"))

    record_attempt(site, ContactKind.PHONE.label, "Nee")
    expect(page.get_by_test_id("attempts")).to_contain_text("Telefoon — niet bereikt")
    expect(page.get_by_test_id("status")).to_have_text("In behandeling")
    record_attempt(site, ContactKind.HOME_VISIT.label, "Ja, ik heb de inwoner gesproken")
    expect(page.get_by_test_id("attempts")).to_contain_text("Huisbezoek — bereikt")

    site.click(page.get_by_role("button", name="Hulp geaccepteerd"))
    expect(page.get_by_role("status").filter(has_text="Hulp geaccepteerd.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Hulp geaccepteerd")
    accepted = timezone.localdate()
    due = plan_due(accepted)
    expect(page.get_by_test_id("deadline")).to_have_text(f"{due:%d-%m-%Y} (Plan binnen 8 weken na acceptatie)")
    jansen.refresh_from_db()
    assert (jansen.status, jansen.help_accepted_on, jansen.due_on) == (CaseStatus.HELP_ACCEPTED, accepted, due)
    assert [a.reached for a in jansen.attempts.order_by("pk")] == [False, True]

    # --- a second case through the mismatch list: two S. Bakkers live at 12 B -------------------
    site.click(page.get_by_role("link", name="Terug naar de werkbakken"))
    site.click(page.get_by_role("main").get_by_role("link", name=re.compile("beoordeling van de BRP-controle")))
    assert site.path() == "/zaken/brp/"
    expect(page.get_by_role("heading", level=1)).to_have_text("BRP-controle beoordelen")
    bakker_row = page.get_by_test_id("mismatch-row").filter(has_text="Oudegracht 12 B, 3511 AB")
    expect(bakker_row).to_contain_text(MISMATCH)
    link = bakker_row.get_by_role("link", name=re.compile(r"^Zaak \d+$"))
    bakker = case_of(link)
    site.click(link)
    persons = page.get_by_test_id("persons").locator("tbody tr")
    expect(persons.filter(has_text=MATCHED)).to_have_count(1)
    unclear = persons.filter(has_text=MISMATCH)
    expect(unclear).to_have_count(1)
    expect(unclear).to_contain_text("S. Bakker")

    site.click(unclear.get_by_role("button", name="Beoordelen in de BRP"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie woont hier volgens de BRP?")
    here = [r for r in DEMO_RESIDENTS if (r.postcode, r.house_number, r.house_letter) == ("3511AB", 12, "B")]
    for resident in here:  # the residents of the address, from the BRP
        expect(page.get_by_role("main")).to_contain_text(f"{resident.given_names} {resident.surname}")
    sem = next(r for r in here if r.given_names == "Sem")
    page.get_by_label(re.compile(r"^Sem Bakker, geboren")).check()
    site.click(page.get_by_role("button", name="Beoordeling opslaan"))
    expect(page.get_by_role("status").filter(has_text="Uw beoordeling van de persoon is vastgelegd.")).to_be_visible()
    expect(page.get_by_test_id("brp-status")).not_to_contain_text(MISMATCH)
    expect(page.get_by_test_id("persons")).not_to_contain_text(MISMATCH)
    bakker.refresh_from_db()
    assert bakker.brp_status != BrpStatus.MISMATCH
    assert sem.bsn in set(bakker.persons.values_list("bsn", flat=True))
    assert sem.bsn not in page.content()  # the BSN only on the person's own page

    # --- a contradiction, refused in Dutch: advice without having reached the resident -----------
    closing = page.get_by_role("main").locator("details").filter(has_text="Zaak afsluiten met een resultaat")
    closing.locator("summary").click()
    site.check_accessibility()
    closing.get_by_label("(Budget)advies en/of quick fix").check()
    site.click(closing.get_by_role("button", name="Afsluiten"))
    expect(page.get_by_test_id("case-error")).to_contain_text(
        "'(Budget)advies en/of quick fix' kan alleen als de inwoner is bereikt."
    )
    bakker.refresh_from_db()
    assert (bakker.is_open, bakker.outcome) == (True, "")

    # the case left the mismatch list
    site.click(page.get_by_role("link", name="Terug naar de werkbakken"))
    site.click(page.get_by_role("main").get_by_role("link", name=re.compile("beoordeling van de BRP-controle")))
    expect(page.get_by_role("main")).not_to_contain_text("Oudegracht 12 B")
    site.assert_all_pages_checked()


def test_the_contact_sees_who_opened_a_case_on_the_access_log(site, demo):
    """§4: the municipality's contact sees that the handler opened a case; the contact's case pages
    pass axe as well."""
    page = site.page
    site.log_in(HANDLER, DEMO_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Werkbakken"))
    link = page.get_by_test_id("case-row").first.get_by_role("link", name=re.compile(r"^Zaak \d+$"))
    opened = case_of(link)
    site.click(link)
    site.log_out()

    site.log_in(f"contact.utrecht@{DOMAIN}", DEMO_PASSWORD)
    site.visit("/zaken/instellingen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Instellingen zaakbehandeling")
    settings_menu = page.get_by_role("navigation", name="Instellingen zaakbehandeling")
    for name, heading in SETTINGS_PAGES:
        site.click(settings_menu.get_by_role("link", name=name, exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    site.click(settings_menu.get_by_role("link", name="Toegangslog", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Toegangslog zaken")
    rows = page.get_by_test_id("access-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(demo.full_name)
    expect(rows.get_by_role("cell").nth(3)).to_have_text(str(opened.pk))
    site.assert_all_pages_checked()
