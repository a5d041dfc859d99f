"""The demo's synthetic postcode table (R13): demo signals route, and loading again changes nothing;
the demo delivery of Water Midden is processed at once, with admitted and refused rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from lcv.agreements.models import Agreement, AgreementStatus
from lcv.organisations.models import Membership, Municipality, Organisation, OrganisationKind
from lcv.portal.demo import demo_delivery_csv, demo_postcodes, load_demo_data
from lcv.signals.models import Delivery, PostcodeRange, RowError, Signal
from lcv.signals.routing import Router
from lcv.testing.signals import postcode

pytestmark = pytest.mark.django_db


def test_every_demo_municipality_has_postcodes_and_the_template_example_routes_to_utrecht():
    load_demo_data()
    by_code = dict(Municipality.objects.values_list("cbs_code", "id"))
    routed = Router(None).municipalities([("3511AB", 12), ("3584ZZ", 49), ("3584ZZ", 51), ("3584ZZ", 50)])
    assert routed == {("3511AB", 12): by_code["0344"], ("3584ZZ", 49): by_code["0344"], ("3584ZZ", 51): by_code["0355"]}
    with_postcodes = set(PostcodeRange.objects.values_list("municipality__cbs_code", flat=True))
    on_platform = set(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("municipality__cbs_code", flat=True)
    )
    in_arrangement = set(Organisation.municipalities.through.objects.values_list("municipality__cbs_code", flat=True))
    assert on_platform | in_arrangement | {"0642", "0355", "0307"} <= with_postcodes
    for code in with_postcodes - {"0355"}:  # Zeist also has half of the split postcode
        assert PostcodeRange.objects.filter(municipality__cbs_code=code, house_from__isnull=True).count() == 10


def table() -> list[tuple[int, str, int | None, int | None, int]]:
    return sorted(PostcodeRange.objects.values_list("id", "postcode", "house_from", "house_to", "municipality_id"))


def test_loading_the_demo_again_changes_no_postcode_and_keeps_imported_ones():
    postcode("3511AB", "0355")  # as if imported before the demo: kept
    load_demo_data()
    rows = table()
    load_demo_data()
    assert table() == rows
    assert len(rows) == sum(len(ranges) for ranges in demo_postcodes().values())
    assert PostcodeRange.objects.get(postcode="3511AB").municipality.cbs_code == "0355"


def test_the_demo_delivery_is_processed_with_accepted_and_refused_rows():
    load_demo_data()
    water = Organisation.objects.get(name="Water Midden")
    delivery = Delivery.objects.get(organisation=water)
    assert (delivery.organisation, delivery.file_name, delivery.status) == (water, "demo-signalen.csv", "done")
    assert delivery.received_by == Membership.objects.get(organisation=water, is_deliverer=True).user
    assert (delivery.rows_total, delivery.accepted, delivery.rejected) == (12, 9, 3)
    agreement = Agreement.objects.get(partner=water, municipal_party__name="Gemeente Utrecht")
    assert agreement.status == AgreementStatus.ACTIVE
    signals = Signal.objects.filter(delivery=delivery)
    assert set(signals.values_list("agreement", "municipality__cbs_code", "signal_type")) == {
        (agreement.pk, "0344", "water")
    }
    assert signals.filter(postcode="3584ZZ", house_number=12).exists()  # the Utrecht half of the split postcode
    assert signals.filter(kind="shut_off", crisis=True).exists()
    errors = {(e.row_number, e.field) for e in RowError.objects.filter(delivery=delivery)}
    assert errors == {(11, "postcode"), (12, "bedrag"), (13, "mvi_toegepast")}
    assert "Zeist" in RowError.objects.get(delivery=delivery, field="postcode").message


def test_the_demo_delivery_is_the_same_file_every_day(delivery_day):
    load_demo_data()
    before = list(Delivery.objects.order_by("pk").values_list("id", flat=True))
    signals = Signal.objects.count()
    assert b"01-10-2025" in demo_delivery_csv()  # fixed dates, not today's
    delivery_day_later = delivery_day + timedelta(days=40)
    with time_machine.travel(delivery_day_later):
        load_demo_data()
    # the water file and the energy and housing files of the demo cases (lcv.portal.demo_cases)
    assert list(Delivery.objects.order_by("pk").values_list("id", flat=True)) == before
    assert len(before) == 4
    assert Signal.objects.filter(delivery_id=before[0]).count() == 9
    assert Signal.objects.count() == signals
