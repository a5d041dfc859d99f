"""The demo's case handling (issue 11): Utrecht receives signals of its three active partners, the
signals become cases, the BRP test service checks them over HTTP, and Utrecht's handler has already
worked some, so a new user sees a municipality with cases in every state.

Every step goes through the real services, and is taken once: loading the demo again finds the
deliveries (same files), the cases and their history, and does nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from lcv.accounts.models import User
from lcv.cases import brp_check, services
from lcv.cases.grouping import group_deliveries
from lcv.cases.models import Case, CaseSettings
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.organisations.models import Organisation, Role

# (customer number, name, birth date, address, street, type, amount, arrears since, other columns)
ENERGY_SIGNALS: tuple[tuple[str, str, str, str, str, str, str, str, dict[str, str]], ...] = (
    # the same household as water's WM-20001 (S. Bakker): meervoudig
    ("SL-501", "S. Bakker", "14-03-1981", "3511AB 12 B", "Oudegracht", "elektriciteit", "612,40", "01-09-2025", {}),
    # R. van Dijk: water shut-off and now an energy end-of-supply signal
    ("SL-502", "R. van Dijk", "", "3511BA 7", "Drift", "gas", "188,00", "01-08-2025", {}),
    ("SL-503", "R. van Dijk", "", "3511BA 7", "Drift", "gas", "188,00", "01-08-2025", {"type": "eindelevering"}),
    # diacritics: the BRP writes Öztürk
    ("SL-504", "O. Ozturk", "02-02-1988", "3512AB 8", "Twijnstraat", "elektriciteit", "240,00", "01-10-2025", {}),
    # ss/s: the BRP writes Janssen
    ("SL-505", "J. Jansen", "", "3512BB 14", "Voorstraat", "warmte", "132,75", "15-09-2025", {}),
    # a young resident (under 27)
    ("SL-506", "D. Yilmaz", "09-09-2003", "3511AC 22", "Vismarkt", "elektriciteit", "310,00", "01-09-2025", {}),
)
ENERGY_UPDATE: tuple[tuple[str, str, str, str, str, str, str, str, dict[str, str]], ...] = (
    ("SL-506", "D. Yilmaz", "09-09-2003", "3511AC 22", "Vismarkt", "elektriciteit", "455,00", "01-09-2025", {}),
)
HOUSING_SIGNALS: tuple[tuple[str, str, str, str, str, str, str, str, dict[str, str]], ...] = (
    # the third creditor of the Bakker household
    ("DH-701", "S. Bakker", "14-03-1981", "3511AB 12 B", "Oudegracht", "huur", "1.480,00", "01-08-2025", {}),
    # moved within Utrecht: the BRP finds her at another address in the municipality
    ("DH-702", "L. de Vries", "20-05-1990", "3511AA 9", "Lijnmarkt", "huur", "950,00", "01-09-2025", {}),
    # two S. Bakkers live at 12 B: without a birth date the BRP cannot tell which one
    ("DH-703", "S. Bakker", "", "3511AB 12 B", "Oudegracht", "huur", "1.480,00", "01-08-2025", {}),
    ("DH-704", "M. de Groot", "", "3511AA 3", "Lijnmarkt", "huur", "720,00", "01-10-2025", {"crisis": "ja"}),
)


def _rows(signals: tuple[tuple[str, str, str, str, str, str, str, str, dict[str, str]], ...]) -> bytes:
    from lcv.signals.columns import COLUMNS, NAMES

    example = {column.name: column.example for column in COLUMNS}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(NAMES), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for customer, name, born, address, street, kind, amount, since, other in signals:
        initials, *prefix, surname = name.split()
        postcode, number, *addition = address.split()
        values = example | {
            "klantnummer": customer,
            "voorletters": initials,
            "tussenvoegsel": " ".join(prefix),
            "achternaam": surname,
            "geboortedatum": born,
            "postcode": postcode,
            "huisnummer": number,
            "toevoeging": " ".join(addition),
            "straat": street,
            "woonplaats": "Utrecht",
            "telefoon": "",
            "email": "",
            "soort": kind,
            "bedrag": amount,
            "achterstand_sinds": since,
        }
        if kind == "huur":
            values |= {"schriftelijke_herinnering": "ja", "geen_bezwaar_huurder": "ja"}
        writer.writerow(values | other)
    return out.getvalue().encode()


def _deliver(partner: Organisation, deliverer: User | None, name: str, content: bytes) -> int | None:
    from lcv.signals.intake import receive_file
    from lcv.signals.processing import process_delivery

    if deliverer is None:
        return None
    received = receive_file(organisation=partner, actor=deliverer, file_name=name, content=content)
    return process_delivery(received.delivery.pk).pk


def _check_with_test_service(party: Organisation) -> None:
    """R17 in the demo: `lcv serve` runs the BRP test service later; for loading, one is started
    here for a moment, and the production client asks it over HTTP."""
    from lcv.brp.testservice import start_test_service

    key = settings.BRP_API_KEY or settings.BRP_DEMO_API_KEY
    with start_test_service(api_key=key) as service, override_settings(BRP_BASE_URL=service.base_url, BRP_API_KEY=key):
        brp_check.check_party(party.pk, workers=1, known=_known_at_debt_help)


def _known_at_debt_help(party_id: int, bsns: list[str]) -> set[str]:
    from lcv.cases.tasks import _debt_help_known

    return _debt_help_known(party_id, bsns)


# Utrecht's debt-help service already knows M. de Groot (the BRP test service's 999990020): her case
# gets the proposed outcome "Inwoner al bekend bij schuldhulpverlening" (R17)
DEMO_DEBT_HELP_LIST = b"bsn\r\n999990020\r\n"


def _debt_help_list(party: Organisation, contact: User) -> None:
    from lcv.debthelp.selectors import current_list
    from lcv.debthelp.services import replace_list

    if current_list(party) is None:
        replace_list(party=party, actor=contact, content=DEMO_DEBT_HELP_LIST, file_name="demo-schuldhulp.csv")


def _fresh(party: Organisation, postcode: str, number: int) -> Case | None:
    """The party's newest case at this address, when nobody has worked it yet."""
    case = Case.objects.filter(municipal_party=party, postcode=postcode, house_number=number).order_by("-pk").first()
    if case is None or case.events.exclude(event__in=AUTOMATIC).exists():
        return None
    return case


AUTOMATIC = ("opened", "updated", "news", "brp_checked", "brp_waiting", "debt_help")


def _work(party: Organisation, handler: User) -> None:
    """Utrecht's handler already worked some cases: in progress, help accepted, closed."""
    today = timezone.localdate()
    attempt = services.record_attempt
    if (visser := _fresh(party, "3511AC", 40)) is not None:  # one failed phone call: in progress
        attempt(
            case_id=visser.pk, actor=handler, kind=ContactKind.PHONE, reached=False, on=today, part_of_day="morning"
        )
    if (mulder := _fresh(party, "3512AB", 18)) is not None:  # reached at home, accepted help: 8 weeks run
        attempt(case_id=mulder.pk, actor=handler, kind=ContactKind.LETTER, reached=False, on=today - timedelta(days=6))
        attempt(
            case_id=mulder.pk,
            actor=handler,
            kind=ContactKind.HOME_VISIT,
            reached=True,
            on=today - timedelta(days=2),
            part_of_day="afternoon",
        )
        services.accept_help(case_id=mulder.pk, actor=handler, on=today - timedelta(days=2))
    if (smit := _fresh(party, "3512AA", 5)) is not None:  # warm transfer, helped with a plan: closed
        attempt(case_id=smit.pk, actor=handler, kind=ContactKind.PHONE, reached=True, on=today - timedelta(days=1))
        services.close(case_id=smit.pk, actor=handler, outcome=Outcome.ADVICE)
    if (peters := _fresh(party, "3584ZZ", 12)) is not None:  # never reached: closed, nothing fed back
        for days, kind in ((9, ContactKind.LETTER), (5, ContactKind.PHONE), (1, ContactKind.HOME_VISIT)):
            attempt(case_id=peters.pk, actor=handler, kind=kind, reached=False, on=today - timedelta(days=days))
        services.close(case_id=peters.pk, actor=handler, outcome=Outcome.NO_CONTACT)
    if (van_dijk := _fresh(party, "3511BA", 7)) is not None and van_dijk.handler_id is None:
        services.assign(case_id=van_dijk.pk, handler=handler, actor=handler)


def load_demo_cases(organisations: dict[str, Organisation], member: Callable[[Organisation, Role], User | None]) -> int:
    """Deliver the energy and housing files, group every demo delivery, run the BRP check and do
    the handler's earlier work. Returns the number of Utrecht's cases."""
    from lcv.signals.models import Delivery, DeliveryStatus

    utrecht = organisations["utrecht"]
    CaseSettings.objects.get_or_create(municipal_party=utrecht, defaults={"matching": CaseSettings.Matching.DIRECT})
    for slug, signals, name in (
        ("stroomlijn", ENERGY_SIGNALS, "demo-energie.csv"),
        ("domstadhuur", HOUSING_SIGNALS, "demo-huur.csv"),
    ):
        partner = organisations.get(slug)
        if partner is not None:
            _deliver(partner, member(partner, Role.DELIVERER), name, _rows(signals))
    contact = member(utrecht, Role.CONTACT)
    if contact is not None:
        _debt_help_list(utrecht, contact)
    done = list(Delivery.objects.filter(status=DeliveryStatus.DONE).values_list("pk", flat=True))
    group_deliveries(done)
    _check_with_test_service(utrecht)
    handler = member(utrecht, Role.HANDLER)
    if handler is not None:
        _work(utrecht, handler)
    # a month later Stroomlijn signals D. Yilmaz again with a higher amount: news for the handler
    partner = organisations.get("stroomlijn")
    if partner is not None:
        later = _deliver(partner, member(partner, Role.DELIVERER), "demo-energie-update.csv", _rows(ENERGY_UPDATE))
        if later is not None:
            group_deliveries([later])
    return Case.objects.filter(municipal_party=utrecht).count()
