"""R20/R21 in the portal: the partner's feedback list, its filters, paging and exports, the page per
delivery, and what the municipality sees per case. What a page shows is tested, not only its status:
another partner's customer number never appears."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lcv.audit.models import AuditEvent
from lcv.cases import services
from lcv.cases.models import Case, CaseAccess, Mandate
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.cases.tests.conftest import ZONE
from lcv.feedback.models import FeedbackMessage
from lcv.organisations.models import OrganisationKind
from lcv.signals.models import Delivery, Signal
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member

ON = date(2026, 3, 22)
PAUSE_UNTIL = "21-04-2026"  # 22 March + 30 days (R21)
LIST = reverse("feedback:list")


def login(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def deliverer(partner):
    return partner.memberships.filter(is_deliverer=True).first().user


def reach_and_accept(case: Case, chain) -> None:
    services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=ON)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)


@pytest.fixture
def shared_case(chain) -> Case:
    """One household signalled by three partners; the resident accepted help (R20: each partner
    hears about its own signal only)."""
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")])
    chain.deliver(chain.housing, [chain.signal(chain.housing, klantnummer="H-1")])
    case = chain.open_case()
    reach_and_accept(case, chain)
    return case


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the partner's list ------------------------------------------------------------------------------


def test_r20_the_partner_sees_its_own_feedback_with_the_pause_and_nothing_of_others(chain, shared_case):
    page = body(login(deliverer(chain.water)).get(LIST))
    assert "W-1" in page
    assert "Hulp geaccepteerd" in page
    assert PAUSE_UNTIL in page
    assert chain.utrecht.name in page
    # the other partners' signals in the same case: not their customer numbers, not their names
    for other in ("E-1", "H-1", chain.energy.name, chain.housing.name):
        assert other not in page
    assert "help_accepted" not in page  # words, never codes
    assert page.count('data-testid="feedback-row"') == 1


def test_r20_the_contact_sees_it_too_and_the_menu_links_to_it(chain, shared_case):
    contact = member(chain.water, "contact", email="contact@water.nl")
    page = body(login(contact).get(LIST))
    assert "W-1" in page
    assert f'href="{LIST}"' in page
    analyst = member(chain.water, "analyst", email="analist@water.nl")
    assert f'href="{LIST}"' not in body(login(analyst).get(reverse("portal:home")))


@pytest.mark.parametrize("role", ["analyst", "signatory"])
def test_r20_other_roles_of_the_partner_see_nothing(chain, shared_case, role):
    response = login(member(chain.water, role, email=f"{role}@water.nl")).get(LIST)
    assert response.status_code == 403
    assert "W-1" not in response.content.decode()


def test_r20_municipalities_and_the_platform_get_no_partner_list(chain, shared_case):
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    for user in (
        chain.handler,
        member(chain.utrecht, "contact", "handler", "analyst", email="alles@utrecht.nl"),
        member(platform, "contact", "helpdesk", "analyst", "deliverer", email="beheer@lcv.nl"),
    ):
        response = login(user).get(LIST)
        assert response.status_code == 403
        assert "W-1" not in response.content.decode()


def test_r20_a_nothing_outcome_shows_no_row_at_all(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-STIL")])
    case = chain.open_case()
    services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=False, on=ON)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NO_CONTACT)
    page = body(login(deliverer(chain.water)).get(LIST))
    assert "W-STIL" not in page
    assert 'data-testid="empty"' in page


def _zeist_and_utrecht(chain) -> None:
    """Water Midden: W-1 (Utrecht, help accepted), W-2 (Utrecht, repeated), W-Z (Zeist, deceased)."""
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, klantnummer="W-1"),
            chain.signal(chain.water, klantnummer="W-2", huisnummer="14"),
            chain.signal(chain.water, klantnummer="W-Z", postcode="3701AA", huisnummer="3"),
        ],
    )
    reach_and_accept(chain.open_case(), chain)
    services.close(case_id=chain.open_case("3511AB", 14).pk, actor=chain.handler, outcome=Outcome.REPEATED)
    zeist_handler = member(chain.zeist, "handler", email="behandelaar@zeist.nl")
    services.close(case_id=chain.open_case("3701AA", 3).pk, actor=zeist_handler, outcome=Outcome.DECEASED)


def test_r20_filters_on_municipality_kind_and_period_with_counts_per_kind(chain):
    _zeist_and_utrecht(chain)
    client = login(deliverer(chain.water))
    page = body(client.get(LIST))
    assert 'data-testid="count-hulp_geaccepteerd">1<' in page
    assert 'data-testid="count-niet_opgepakt">2<' in page
    assert "Herhaalde melding" in page
    assert "Inwoner is overleden" in page

    page = body(client.get(LIST, {"gemeente": chain.zeist.pk}))
    assert "W-Z" in page
    assert "W-1" not in page
    assert "W-2" not in page
    assert 'data-testid="count-niet_opgepakt">1<' in page
    assert 'data-testid="count-hulp_geaccepteerd">0<' in page

    page = body(client.get(LIST, {"soort": "niet_opgepakt"}))
    assert "W-2" in page
    assert "W-Z" in page
    assert "W-1" not in page
    assert 'data-testid="count-hulp_geaccepteerd">1<' in page  # the counts ignore the kind chosen

    assert "W-1" not in body(client.get(LIST, {"van": "2026-03-23"}))
    assert "W-1" in body(client.get(LIST, {"van": "2026-03-22", "tot": "2026-03-22"}))
    assert "W-1" not in body(client.get(LIST, {"tot": "2026-03-21"}))

    page = body(client.get(LIST, {"van": "2026-03-25", "tot": "2026-03-01"}))
    assert "De begindatum ligt na de einddatum" in page
    for label in ("Gemeente", "Soort terugkoppeling", "Laatste bericht vanaf", "Pauze van de incasso"):
        assert f">{label}</label>" in page  # every filter has its label (WCAG)


def test_r20_the_municipality_filter_offers_only_the_partners_own_municipalities(chain, shared_case):
    page = body(login(deliverer(chain.water)).get(LIST))
    assert f'<option value="{chain.utrecht.pk}">' in page
    assert f'<option value="{chain.zeist.pk}">' not in page


def test_r21_pauses_ending_soon_are_marked_and_counted(chain, shared_case):
    client = login(deliverer(chain.water))
    page = body(client.get(LIST))
    assert 'data-testid="ending-soon-badge"' not in page
    with time_machine.travel(datetime(2026, 4, 16, 10, 0, tzinfo=ZONE)):
        client = login(deliverer(chain.water))  # a new session: the old one has expired by then
        page = body(client.get(LIST))
        assert 'data-testid="ending-soon-badge"' in page
        assert "1 pauze loopt binnen 7 dagen af" in page
        assert "W-1" in body(client.get(LIST, {"pauze": "binnenkort"}))
    with time_machine.travel(datetime(2026, 4, 23, 10, 0, tzinfo=ZONE)):
        client = login(deliverer(chain.water))
        page = body(client.get(LIST))
        assert "(afgelopen)" in page
        assert "W-1" not in body(client.get(LIST, {"pauze": "loopt"}))


def test_r20_the_list_pages_through_many_signals(chain):
    rows = [chain.signal(chain.water, klantnummer=f"W-{n:02d}", huisnummer=str(n)) for n in range(1, 31)]
    chain.deliver(chain.water, rows)
    services.close_many(
        cases=Case.objects.filter(municipal_party=chain.utrecht), actor=chain.handler, outcome=Outcome.REPEATED
    )
    client = login(deliverer(chain.water))
    first = body(client.get(LIST, {"soort": "niet_opgepakt"}))
    second = body(client.get(LIST, {"soort": "niet_opgepakt", "pagina": "2"}))
    assert first.count('data-testid="feedback-row"') == 25
    assert second.count('data-testid="feedback-row"') == 5
    assert "Pagina 2 van 2" in second
    assert "soort=niet_opgepakt&amp;pagina=2" in first  # the pager keeps the filters
    shown = {f"W-{n:02d}" for n in range(1, 31) if f">W-{n:02d}<" in first + second}
    assert len(shown) == 30


# --- exports -----------------------------------------------------------------------------------------


def _formula_customer_number(chain) -> None:
    Signal.objects.filter(customer_number="W-2").update(customer_number='=HYPERLINK("http://x")')


def test_r20_csv_export_of_the_filtered_list_neutralises_formulas_and_is_audited(chain):
    _zeist_and_utrecht(chain)
    _formula_customer_number(chain)
    user = deliverer(chain.water)
    response = login(user).get(LIST, {"soort": "niet_opgepakt", "formaat": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["gemeente", "aanlevering", "aanlevering ontvangen", "rij", "klantnummer"]
    numbers = {row[4] for row in rows[1:]}
    assert numbers == {'\'=HYPERLINK("http://x")', "W-Z"}  # the kind filter holds; W-1 is help accepted
    assert {row[5] for row in rows[1:]} == {"Niet opgepakt"}
    event = AuditEvent.objects.get(action="feedback.exported")
    assert event.actor_id == user.pk
    assert event.details == {"rows": 2, "format": "csv"}


def test_r20_xlsx_export_writes_a_formula_as_text(chain):
    _zeist_and_utrecht(chain)
    _formula_customer_number(chain)
    response = login(deliverer(chain.water)).get(LIST, {"formaat": "xlsx"})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[4] == "klantnummer"
    cells = {row[4].value: row[4] for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == {"W-1", "W-Z", '=HYPERLINK("http://x")'}
    formula = cells['=HYPERLINK("http://x")']
    assert formula.data_type == "s"  # text, not a formula
    assert formula.quotePrefix
    pauses = [row[8].value for row in sheet.iter_rows(min_row=2) if row[4].value == "W-1"]
    assert pauses == [datetime(2026, 4, 21)]
    assert AuditEvent.objects.filter(action="feedback.exported", details__format="xlsx").exists()


def test_r20_the_export_holds_only_the_partners_own_feedback(chain, shared_case):
    for file_format in ("csv", "xlsx"):
        response = login(deliverer(chain.water)).get(LIST, {"formaat": file_format})
        if file_format == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
        assert "W-1" in text
        assert "E-1" not in text
        assert "H-1" not in text


# --- the page per delivery ---------------------------------------------------------------------------


def test_r20_the_delivery_page_shows_its_messages_with_corrections_of_the_earlier_message(chain):
    delivery = chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    case = chain.open_case()
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.REPEATED)
    first = FeedbackMessage.objects.get()
    services.reopen(case_id=case.pk, actor=chain.handler, reason="Verkeerd resultaat gekozen")
    reach_and_accept(case, chain)
    client = login(deliverer(chain.water))
    page = body(client.get(reverse("feedback:delivery", args=[delivery.pk])))
    assert page.count('data-testid="message-row"') == 2
    assert page.index("Herhaalde melding") < page.index("Hulp geaccepteerd")
    stamp = first.created_at.astimezone(ZONE).strftime("%d-%m-%Y %H:%M")
    assert f"Correctie van het bericht van {stamp}: Niet opgepakt (Herhaalde melding)" in page
    assert PAUSE_UNTIL in page
    # the delivery's own page links here; the list filtered on the delivery shows its state
    assert reverse("feedback:delivery", args=[delivery.pk]) in body(
        client.get(reverse("signals:delivery", args=[delivery.pk]))
    )
    listed = body(client.get(LIST, {"aanlevering": delivery.pk}))
    assert listed.count('data-testid="feedback-row"') == 1
    assert "Hulp geaccepteerd" in listed


def test_r20_another_partners_delivery_is_not_found(chain, shared_case):
    energy_delivery = Delivery.objects.get(organisation=chain.energy)
    response = login(deliverer(chain.water)).get(reverse("feedback:delivery", args=[energy_delivery.pk]))
    assert response.status_code == 404
    assert "E-1" not in response.content.decode()
    # and the list cannot be narrowed to it either
    page = body(login(deliverer(chain.water)).get(LIST, {"aanlevering": energy_delivery.pk}))
    assert "E-1" not in page


# --- the municipality, per case ----------------------------------------------------------------------


def test_r20_the_municipality_sees_what_each_partner_was_told_about_a_case(chain, shared_case):
    client = login(chain.handler)
    url = reverse("feedback:case", args=[shared_case.pk])
    assert url in body(client.get(reverse("cases:case", args=[shared_case.pk])))
    page = body(client.get(url))
    assert page.count('data-testid="message-row"') == 3
    for partner, number in ((chain.water, "W-1"), (chain.energy, "E-1"), (chain.housing, "H-1")):
        assert partner.name in page
        assert number in page
    assert "Hulp geaccepteerd" in page
    assert PAUSE_UNTIL in page
    assert CaseAccess.objects.filter(case=shared_case, user=chain.handler, what="feedback").exists()


def test_r20_the_case_page_shows_corrections(chain, shared_case):
    services.close(case_id=shared_case.pk, actor=chain.handler, outcome=Outcome.ADVICE)
    services.reopen(case_id=shared_case.pk, actor=chain.handler, reason="Toch niet")
    services.close(case_id=shared_case.pk, actor=chain.handler, outcome=Outcome.NO_HELP_WANTED)
    page = body(login(chain.handler).get(reverse("feedback:case", args=[shared_case.pk])))
    assert page.count("Eerder bericht ingetrokken") == 3
    assert page.count(": Hulp geaccepteerd</td>") == 3  # each withdrawal names what it corrects


def test_r20_a_case_outside_the_organisations_visibility_is_not_found(chain, shared_case):
    url = reverse("feedback:case", args=[shared_case.pk])
    zeist = login(member(chain.zeist, "handler", email="behandelaar@zeist.nl")).get(url)
    assert zeist.status_code == 404
    assert "W-1" not in zeist.content.decode()
    partner = login(member(chain.water, "contact", "deliverer", "analyst", email="alles@water.nl")).get(url)
    assert partner.status_code == 403
    analyst = login(member(chain.utrecht, "analyst", email="analist@utrecht.nl")).get(url)
    assert analyst.status_code == 403
    assert "W-1" not in analyst.content.decode()


def test_r20_an_executor_sees_the_case_feedback_only_under_a_running_mandate(chain, shared_case):
    executor = make_organisation(kind=OrganisationKind.EXECUTOR, sector="", national_coverage=False)
    client = login(member(executor, "handler", email="behandelaar@uitvoerder.nl"))
    url = reverse("feedback:case", args=[shared_case.pk])
    assert client.get(url).status_code == 404
    Mandate.objects.create(
        municipal_party=chain.utrecht,
        executor=executor,
        valid_from=ON - timedelta(days=1),
        brp_access=True,
        created_by=member(chain.utrecht, "contact", email="contact@utrecht.nl"),
    )
    assert "W-1" in body(client.get(url))
