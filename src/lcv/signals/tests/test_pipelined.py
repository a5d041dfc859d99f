"""On PostgreSQL a worker commits chunk n in a second thread while it judges chunk n+1. The outcome
must be exactly that of judging and committing one chunk after the other, including R15, whose
verdict for a row depends on vroegsignalen in earlier chunks that may not be committed yet."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lcv.organisations.models import Sector
from lcv.signals import processing
from lcv.signals.intake import receive_file
from lcv.signals.models import RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.testing.factories import make_organisation, member, municipality_organisation
from lcv.testing.signals import activate_all, csv_bytes, postcode, row

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined path is PostgreSQL's"),
]


def _rows():
    lines = []
    for n in range(23):
        # a vroegsignaal for house n, and in the next chunk (4 rows later) its eindelevering; every
        # fifth eindelevering has no vroegsignaal at all; every seventh row is refused
        lines.append(row(klantnummer=f"V{n}", soort="gas", type="vroegsignaal", huisnummer=n + 1))
        house = n + 1 if n % 5 else 500 + n
        lines.append(row(klantnummer=f"E{n}", soort="gas", type="eindelevering", huisnummer=house))
        if n % 7 == 0:
            lines.append(row(klantnummer=f"X{n}", soort="gas", bedrag="veel"))
    return lines


def _outcome(partner):
    fields = ["row_number", "customer_number", "kind", "without_earlier_signal", "outside_delivery_moment"]
    return (
        list(Signal.objects.filter(partner=partner).order_by("row_number").values_list(*fields)),
        list(
            RowError.objects.filter(delivery__organisation=partner)
            .order_by("row_number", "field")
            .values_list("row_number", "field", "message")
        ),
    )


def test_committing_in_a_second_thread_gives_the_result_of_committing_in_turn(monkeypatch):
    municipality_organisation("0344")
    postcode("3511AB", "0344")
    pipelined_partner = make_organisation(name="Energie Een", sector=Sector.ENERGY, national_coverage=True)
    in_turn_partner = make_organisation(name="Energie Twee", sector=Sector.ENERGY, national_coverage=True)
    activate_all(pipelined_partner)
    activate_all(in_turn_partner)
    content = csv_bytes(_rows())
    calls = {"pipelined": 0}
    original = processing._process_pipelined

    def counting(*args, **kwargs):
        calls["pipelined"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(processing, "_process_pipelined", counting)
    for partner in (pipelined_partner, in_turn_partner):
        received = receive_file(
            organisation=partner, actor=member(partner, "deliverer"), file_name="s.csv", content=content
        )
        if partner is pipelined_partner:
            delivery = process_delivery(received.delivery.pk, chunk_size=4)
        else:
            with transaction.atomic():  # inside a transaction the chunks are committed in turn
                delivery = process_delivery(received.delivery.pk, chunk_size=4)
        assert delivery.status == "done"
    assert calls["pipelined"] == 1
    pipelined, in_turn = _outcome(pipelined_partner), _outcome(in_turn_partner)
    assert pipelined == in_turn
    signals, errors = pipelined
    flagged = [number for number, _customer, kind, without, _outside in signals if without]
    assert flagged  # the rows without a vroegsignaal are flagged, the others are not
    assert all(customer.startswith("E") for _n, customer, _k, without, _o in signals if without)
    assert len(flagged) == 5
    assert {field for _n, field, _m in errors} == {"bedrag"}
