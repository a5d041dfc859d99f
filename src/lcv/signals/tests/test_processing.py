"""Processing a delivery end to end: verdicts per row, counts, nothing lost, idempotent."""

from __future__ import annotations

import pytest

from lcv.signals.intake import receive_file
from lcv.signals.models import Delivery, DeliveryStatus, RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.testing.signals import csv_bytes, row

pytestmark = pytest.mark.django_db


def deliver(world, rows, name="signalen.csv", **kwargs):
    received = receive_file(
        organisation=world["water"], actor=world["deliverer"], file_name=name, content=csv_bytes(rows, **kwargs)
    )
    return process_delivery(received.delivery.pk)


def test_good_rows_become_signals_and_bad_rows_are_reported_per_field(world):
    delivery = deliver(
        world,
        [
            row(),
            row(postcode="3701AA", huisnummer="3", klantnummer="K2"),
            row(bedrag="veel", postcode="9999"),
        ],
    )
    assert delivery.status == DeliveryStatus.DONE
    assert (delivery.rows_total, delivery.rows_done, delivery.accepted, delivery.rejected) == (3, 3, 2, 1)
    signals = list(Signal.objects.order_by("row_number"))
    assert [s.municipal_party for s in signals] == [world["utrecht"], world["zeist"]]
    assert signals[0].row_number == 2  # the header is row 1
    assert signals[0].agreement is not None
    assert signals[0].agreement.partner == world["water"]
    errors = sorted(RowError.objects.values_list("row_number", "field"))
    assert errors == [(4, "bedrag"), (4, "postcode")]


def test_running_again_changes_nothing(world):
    delivery = deliver(world, [row(), row(bedrag="x")])
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PROCESSING)
    process_delivery(delivery.pk)
    assert Signal.objects.count() == 1
    assert RowError.objects.count() == 1


def test_an_unreadable_file_is_refused_whole_with_a_dutch_reason(world):
    delivery = deliver(world, [row()], header=["naam", "bsn"])
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert "Onbekende kolom(men): naam, bsn" in delivery.error
    assert not Signal.objects.exists()


def test_a_stalled_delivery_is_queued_again_and_a_live_one_is_not(world):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from lcv.signals.processing import resume_stalled

    stalled = deliver(world, [row()])
    live = deliver(world, [row(klantnummer="live")])
    done = deliver(world, [row(klantnummer="klaar")])
    long_ago = timezone.now() - timedelta(minutes=6)
    Delivery.objects.filter(pk=stalled.pk).update(status=DeliveryStatus.PROCESSING, heartbeat_at=long_ago)
    Delivery.objects.filter(pk=live.pk).update(status=DeliveryStatus.PROCESSING, heartbeat_at=timezone.now())
    Delivery.objects.filter(pk=done.pk).update(heartbeat_at=long_ago)
    before = DBTaskResult.objects.count()
    assert resume_stalled() == [stalled.pk]
    assert DBTaskResult.objects.count() == before + 1


def test_a_nul_character_deep_in_a_csv_is_dropped_not_a_crash(world):
    content = csv_bytes([row(klantnummer=f"K{n}") for n in range(60)]).replace(b"K59", b"K\x0059")
    received = receive_file(organisation=world["water"], actor=world["deliverer"], file_name="n.csv", content=content)
    delivery = process_delivery(received.delivery.pk)
    assert (delivery.status, delivery.accepted) == (DeliveryStatus.DONE, 60)
    assert Signal.objects.filter(customer_number="K59").exists()


def test_a_delivery_whose_runs_keep_stopping_is_given_up_whole(world):
    from datetime import timedelta

    from django.utils import timezone

    from lcv.signals.processing import MAX_ATTEMPTS, resume_stalled

    delivery = deliver(world, [row(), row(bedrag="x")])
    assert (Signal.objects.count(), RowError.objects.count()) == (1, 1)
    # as if its runs were killed again and again, half-way
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PROCESSING,
        attempts=MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    assert resume_stalled() == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "na 5 pogingen gestopt" in delivery.error
    assert (delivery.accepted, delivery.rejected, delivery.rows_done) == (0, 0, 0)
    assert not Signal.objects.exists()
    assert not RowError.objects.exists()
    assert bytes(delivery.content)  # the file as received is kept
    assert process_delivery(delivery.pk).status == DeliveryStatus.FAILED  # nothing runs again


def test_each_run_counts_as_an_attempt(world):
    delivery = deliver(world, [row()])
    assert delivery.attempts == 1
    assert process_delivery(delivery.pk).attempts == 1  # a finished delivery starts no new run
