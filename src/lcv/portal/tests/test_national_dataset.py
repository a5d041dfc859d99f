"""`lcv national_dataset` with tiny numbers on the test database: counts as asked, every signal under
an active agreement of its partner and municipal party that intake would route it to, identities as
intake computes them, residents that line up with the signals, and the same data for the same seed."""

import hashlib
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from stdnum.nl import bsn

from lcv.agreements.models import AgreementStatus
from lcv.organisations.models import Organisation, OrganisationKind, SignalSystem
from lcv.portal.national import Spec, residents
from lcv.portal.national.world import world
from lcv.signals.models import Delivery, DeliveryStatus, Signal
from lcv.signals.processing import signal_identity
from lcv.signals.routing import Router
from lcv.testing.factories import municipality_organisation

ZONE = ZoneInfo("Europe/Amsterdam")
STORED, NEW = 2000, 300


def _load(seed: int = 1, *, reset: bool = False) -> None:
    call_command("national_dataset", stored=STORED, new=NEW, seed=seed, month="2026-11", reset=reset)


def _fingerprint() -> str:
    rows = Signal.objects.order_by("delivery__client_reference", "partner__kvk_number", "row_number").values_list(
        "delivery__client_reference",
        "partner__kvk_number",
        "row_number",
        "municipality__cbs_code",
        "customer_number",
        "initials",
        "prefix",
        "surname",
        "birth_date",
        "postcode",
        "house_number",
        "house_number_addition",
        "signal_type",
        "kind",
        "amount",
        "arrears_since",
        "crisis",
        "warm_transfer",
        "received_at",
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@pytest.mark.django_db
def test_counts_as_asked_every_signal_routed_under_an_active_agreement_and_residents_line_up(capsys):
    _load()
    assert "signals written" in capsys.readouterr().out
    assert Signal.objects.count() == STORED + NEW
    new_month = datetime(2026, 11, 1, tzinfo=ZONE), datetime(2026, 12, 1, tzinfo=ZONE)
    assert Signal.objects.filter(received_at__gte=new_month[0], received_at__lt=new_month[1]).count() == NEW
    assert Signal.objects.filter(received_at__gte=datetime(2025, 11, 1, tzinfo=ZONE)).count() == STORED + NEW
    assert Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count() == len(world().places) == 342
    assert not Organisation.objects.exclude(signal_system__in=["", SignalSystem.PLATFORM]).exists()
    for sector, low in (("water", 8), ("health_insurance", 8), ("energy", 30), ("housing", 250)):
        assert Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER, sector=sector).count() >= low
    # R13: the agreement is active, names the platform, and is between this partner and this party
    signals = Signal.objects.all()
    assert not signals.exclude(agreement__status=AgreementStatus.ACTIVE).exists()
    assert not signals.exclude(agreement__signal_system=SignalSystem.PLATFORM).exists()
    assert not signals.exclude(agreement__partner=F("partner")).exists()
    assert not signals.exclude(agreement__municipal_party=F("municipal_party")).exists()
    assert not Delivery.objects.exclude(status=DeliveryStatus.DONE).exists()
    assert not Delivery.objects.exclude(organisation=F("signals__partner")).exists()
    _intake_would_route_every_signal_the_same_way_and_identities_are_intakes()
    _residents_line_up_with_the_signals_with_a_few_mismatches()


def _intake_would_route_every_signal_the_same_way_and_identities_are_intakes():
    partners = Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER, delivered_signals__isnull=False)
    for partner in partners.distinct()[:40]:
        router = Router(partner)
        mine = list(Signal.objects.filter(partner=partner))
        found = router.municipalities([(s.postcode, s.house_number) for s in mine])
        for signal in mine:
            municipality = found[(signal.postcode, signal.house_number)]
            assert municipality == signal.municipality_id
            assert router.party_of[municipality] == signal.municipal_party_id
            assert router.terms[signal.municipal_party_id].agreement_id == signal.agreement_id
            values = {
                "klantnummer": signal.customer_number,
                "postcode": signal.postcode,
                "huisnummer": signal.house_number,
                "toevoeging": signal.house_number_addition,
                "achternaam": signal.surname,
                "soort": signal.signal_type,
                "type": signal.kind,
                "achterstand_sinds": signal.arrears_since,
                "bedrag": signal.amount,
            }
            assert signal.identity == signal_identity(partner.pk, values)


def _residents_line_up_with_the_signals_with_a_few_mismatches():
    spec = Spec(stored=STORED, new=NEW, seed=1, month=date(2026, 11, 1))
    people = [person for place in world().places for person in residents(spec, place.cbs_code)]
    assert all(bsn.is_valid(person.bsn) for person in people)
    assert len({person.bsn for person in people}) == len(people)
    known = {
        (p.postcode, p.house_number, p.house_number_addition, _plain(f"{p.prefix} {p.surname}"), p.birth_date)
        for p in people
    }
    signals = list(
        Signal.objects.values_list(
            "postcode", "house_number", "house_number_addition", "prefix", "surname", "birth_date"
        )
    )
    matched = sum(1 for pc, nr, add, pre, sur, born in signals if (pc, nr, add, _plain(f"{pre} {sur}"), born) in known)
    assert 0.85 * len(signals) < matched < 0.995 * len(signals)
    assert {person.mismatch for person in people} >= {"", "partner_name", "moved_away", "diacritics"}


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    _load(seed=1)
    first = _fingerprint()
    _load(seed=1)  # idempotent: nothing added
    assert Signal.objects.count() == STORED + NEW
    with pytest.raises(CommandError, match="--reset"):
        _load(seed=2)
    _load(seed=1, reset=True)
    assert _fingerprint() == first
    _load(seed=2, reset=True)
    assert Signal.objects.count() == STORED + NEW
    assert _fingerprint() != first


@pytest.mark.django_db
def test_refuses_a_national_volume_on_sqlite_and_a_database_with_other_organisations():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("national_dataset", stored=1_000_000)
    municipality_organisation("0344")
    with pytest.raises(CommandError, match="database of its own"):
        _load()
    assert not Signal.objects.exists()
