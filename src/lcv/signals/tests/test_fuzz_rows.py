"""Done-when: Hypothesis-generated malformed rows produce no server error. Whatever a row holds,
processing ends with every row either accepted or refused with Dutch reasons, or the whole file
refused as unreadable, and nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcv.signals.columns import NAMES
from lcv.signals.intake import IntakeError, receive_file
from lcv.signals.models import Delivery, DeliverySource, DeliveryStatus, RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.testing.signals import csv_bytes, row

pytestmark = pytest.mark.django_db

# plausible and implausible cell values: empty, huge, unicode, control characters, numbers, dates
cells = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", fullmatch=True),
    st.sampled_from(["ja", "nee", "JA", "misschien", "=1+1", "€ 12,50", "1.234,56", "-5", "NaN", "Infinity", "1e9"]),
)
malformed_row = st.fixed_dictionaries({}, optional={name: cells for name in NAMES})
json_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), cells)


def _check(delivery: Delivery) -> None:
    assert delivery.status in (DeliveryStatus.DONE, DeliveryStatus.UNREADABLE)
    if delivery.status == DeliveryStatus.UNREADABLE:
        assert delivery.error
        assert not Signal.objects.filter(delivery=delivery).exists()
        return
    # every row ends as exactly one of: admitted, refused, or a repeat of a signal delivered before
    assert delivery.accepted + delivery.rejected + delivery.repeated == delivery.rows_total == delivery.rows_done
    assert Signal.objects.filter(delivery=delivery).count() == delivery.accepted
    refused_rows = set(RowError.objects.filter(delivery=delivery, repeat=False).values_list("row_number", flat=True))
    assert len(refused_rows) == delivery.rejected
    repeated_rows = set(RowError.objects.filter(delivery=delivery, repeat=True).values_list("row_number", flat=True))
    assert len(repeated_rows) == delivery.repeated
    assert not refused_rows & repeated_rows
    assert all(message for message in RowError.objects.filter(delivery=delivery).values_list("message", flat=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(malformed_row, min_size=1, max_size=6), delimiter=st.sampled_from([";", ","]))
def test_malformed_csv_rows_never_break_processing(world, rows, delimiter):
    content = csv_bytes([row(), *rows], delimiter=delimiter)
    try:
        received = receive_file(
            organisation=world["water"], actor=world["deliverer"], file_name="f.csv", content=content
        )
    except IntakeError:
        return  # refused before storing, with a Dutch message
    _check(process_delivery(received.delivery.pk))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.one_of(
            st.dictionaries(st.sampled_from([*NAMES, "bsn", "\x00x"]), json_values, max_size=8),
            json_values,
        ),
        max_size=5,
    )
)
def test_malformed_json_signals_never_break_processing(world, items):
    body = json.dumps({"signalen": items}).encode()
    delivery = Delivery.objects.create(
        organisation=world["water"],
        source=DeliverySource.API,
        file_format="json",
        content=body,
        sha256="0" * 64,
        client_reference=f"fuzz-{Delivery.objects.count()}",
    )
    _check(process_delivery(delivery.pk))
