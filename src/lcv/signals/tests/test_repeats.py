"""When two signals are the same (issue 10): same deliverer, customer number, type, kind, arrears
start date and amount. A repeat is refused with a Dutch reason naming the earlier delivery, counted
apart from errors; a changed amount or a later arrears date is a new signal."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lcv.signals.intake import receive_api, receive_file
from lcv.signals.models import Delivery, RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.signals.tests.test_rules import deliver
from lcv.testing.factories import member
from lcv.testing.signals import csv_bytes, row

pytestmark = pytest.mark.django_db


def repeats_of(delivery):
    return list(RowError.objects.filter(delivery=delivery, repeat=True).values_list("row_number", "message"))


def test_identical_rows_in_one_file_give_one_signal(world):
    delivery = deliver(world["water"], [row(), row(), row(bedrag="12,50", klantnummer="K-2")])
    assert (delivery.accepted, delivery.rejected, delivery.repeated) == (2, 0, 1)
    [(number, message)] = repeats_of(delivery)
    assert number == 3  # the header is row 1
    assert message == "dit signaal staat al in rij 2 van deze aanlevering"
    assert not RowError.objects.filter(delivery=delivery, repeat=False).exists()


def test_a_corrected_file_sent_again_admits_only_the_fixed_rows(world):
    first = deliver(world["water"], [row(), row(klantnummer="K-2", bedrag="veel")])
    assert (first.accepted, first.rejected) == (1, 1)
    again = deliver(world["water"], [row(), row(klantnummer="K-2", bedrag="80,00")])
    assert (again.accepted, again.rejected, again.repeated) == (1, 0, 1)
    [(number, message)] = repeats_of(again)
    assert number == 2
    assert f"in aanlevering {first.pk}" in message
    assert message.startswith("dit signaal is al aangeleverd op ")
    assert Signal.objects.count() == 2


def test_a_changed_amount_or_a_later_arrears_date_is_a_new_signal(world):
    deliver(world["water"], [row()])
    changed = deliver(world["water"], [row(bedrag="999,00"), row(achterstand_sinds="02-01-2026")])
    assert (changed.accepted, changed.repeated) == (2, 0)


def test_the_same_signal_by_upload_and_by_api_is_admitted_once(world):
    from lcv.signals import tokens

    deliver(world["water"], [row()])
    token, _plain = tokens.create_token(organisation=world["water"], actor=member(world["water"], "contact"), name="t")
    import json

    body = json.dumps({"aanlever_id": "a-1", "signalen": [row()]}).encode()
    api = process_delivery(receive_api(token=token, client_reference="a-1", body=body).delivery.pk)
    assert (api.accepted, api.repeated) == (0, 1)
    assert Signal.objects.count() == 1


def test_another_partner_with_the_same_customer_number_is_not_a_repeat(world):
    from lcv.organisations.models import Sector
    from lcv.testing.factories import make_organisation
    from lcv.testing.signals import activate_all

    other = make_organisation(name="Water Zuid", sector=Sector.WATER, national_coverage=True)
    activate_all(other)
    deliver(world["water"], [row()])
    assert deliver(other, [row()]).accepted == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
def test_two_deliveries_with_the_same_signal_processed_at_once_admit_it_once(world):
    received = [
        receive_file(
            organisation=world["water"],
            actor=world["deliverer"],
            file_name=f"{n}.csv",
            content=csv_bytes([row()] * 1 + [row(klantnummer=f"eigen-{n}")]),
        ).delivery.pk
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(pk: int) -> None:
        try:
            barrier.wait()
            process_delivery(pk)
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in received]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    deliveries = list(Delivery.objects.filter(pk__in=received))
    assert sum(d.accepted for d in deliveries) == 3  # the shared signal once, each own signal once
    assert sum(d.repeated for d in deliveries) == 1
    assert Signal.objects.filter(customer_number="K-100234").count() == 1


def test_the_delivery_page_and_the_api_count_repeats_apart_from_errors(world, client):
    from django.urls import reverse

    from lcv.testing.auth import login_verified

    first = deliver(world["water"], [row()])
    again = deliver(world["water"], [row(), row(klantnummer="K-9", bedrag="veel")])
    login_verified(client, world["deliverer"])
    page = client.get(reverse("signals:delivery", args=[again.pk])).content.decode()
    assert 'data-testid="count-repeated">1<' in page
    assert 'data-testid="count-rejected">1<' in page
    assert f"in aanlevering {first.pk}" in page
    assert page.count('data-testid="error-row"') == 1  # the repeat is not among the errors
    report = client.get(reverse("signals:error_report", args=[again.pk])).content.decode()
    assert "al aangeleverd" not in report


def test_after_a_failed_delivery_the_identical_file_can_be_delivered_again(world):
    from lcv.signals.models import DeliveryStatus
    from lcv.signals.processing import give_up

    content = csv_bytes([row()])
    first = receive_file(organisation=world["water"], actor=world["deliverer"], file_name="s.csv", content=content)
    give_up(first.delivery.pk)  # a fault in the portal: nothing admitted, "lever het later opnieuw aan"
    again = receive_file(organisation=world["water"], actor=world["deliverer"], file_name="s.csv", content=content)
    assert again.is_new
    assert again.delivery.pk != first.delivery.pk
    assert process_delivery(again.delivery.pk).accepted == 1
    # once it did work, the same file is recognised again
    third = receive_file(organisation=world["water"], actor=world["deliverer"], file_name="s.csv", content=content)
    assert (third.is_new, third.delivery.pk) == (False, again.delivery.pk)
    assert Delivery.objects.get(pk=first.delivery.pk).status == DeliveryStatus.FAILED
