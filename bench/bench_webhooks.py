"""Benchmark: the webhook sender (issue 12: >= 200 deliveries/s to a local receiver). Prints its
figures; asserts nothing about time.

    .venv/bin/python bench/bench_webhooks.py              # 5,000 messages
    .venv/bin/python bench/bench_webhooks.py --messages 20000 --threads 32

On PostgreSQL (a scratch database `lcv_bench_webhooks`, or the one in LCV_BENCH_POSTGRES, dropped and
created again): N feedback messages of one partner are written, `feedback.hooks.messages_written`
creates their deliveries (timed: the set-based INSERT ... SELECT), and the worker's sender
(`sending.send_due`, a thread pool with a requests.Session per thread) sends them to a local
receiver in a separate process that verifies every signature with the `standardwebhooks` library:
deliveries per second end to end (claim, rebuild and sign the body, POST, log the attempt). A second
round runs two senders at once (two workers, each its own database connection) and checks that no
delivery was sent twice (`select_for_update(skip_locked=True)` and the claim).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dataset import database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")
os.environ["LCV_WEBHOOKS_ALLOW_LOOPBACK"] = "true"  # the receiver runs on this machine

POSTGRES_URL = os.environ.get("LCV_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/lcv_bench_webhooks")
SIGNALS = 200  # the messages are about these signals, in turn


def say(text: str) -> None:
    print(text, flush=True)


def setup() -> tuple[object, list[object]]:
    """A partner delivering to Utrecht, its contact, and SIGNALS stored signals."""
    from django.utils import timezone

    from lcv.signals.models import Delivery, Signal
    from lcv.testing.factories import make_organisation, member, municipality_organisation

    utrecht = municipality_organisation("0344")
    partner = make_organisation(name="Water Midden", sector="water", national_coverage=True)
    contact = member(partner, "contact")
    delivery = Delivery.objects.create(
        organisation=partner, source="upload", file_format="csv", content=b"achternaam\n", sha256="0" * 64
    )
    now = timezone.now()
    signals = Signal.objects.bulk_create(
        Signal(
            delivery=delivery,
            partner=partner,
            municipal_party=utrecht,
            municipality=utrecht.municipality,
            row_number=row,
            customer_number=f"K-{row}",
            surname="Bench",
            postcode="3511AB",
            house_number=row,
            signal_type="water",
            kind="early",
            amount=100,
            arrears_since=date(2026, 1, 1),
            days_in_arrears=60,
            received_at=now,
        )
        for row in range(1, SIGNALS + 1)
    )
    return contact, signals


def write_messages(partner_id: int, signals: list, count: int) -> float:
    """`count` feedback messages, then the hook that creates their deliveries (timed)."""
    from django.utils import timezone

    from lcv.feedback.hooks import messages_written
    from lcv.feedback.models import FeedbackMessage

    now = timezone.now()
    FeedbackMessage.objects.bulk_create(
        (
            FeedbackMessage(
                event="feedback.created",
                partner_id=partner_id,
                municipal_party_id=signals[i % len(signals)].municipal_party_id,
                signal=signals[i % len(signals)],
                delivery_id=signals[i % len(signals)].delivery_id,
                reported="help_accepted",
                pause_until=date(2026, 5, 1),
                created_at=now,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    started = time.perf_counter()
    messages_written.send(sender=FeedbackMessage, partner_ids=[partner_id])
    return time.perf_counter() - started


def receiver_figures(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own local receiver)
        return json.loads(answer.read())


def send_with(senders: int, threads: int) -> float:
    from django.db import connection

    from lcv.webhooks.sending import send_due

    def run() -> None:
        try:
            send_due(seconds=3600, threads=threads)
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(senders)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lcv-bench-webhooks-"))
    os.environ["LCV_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = POSTGRES_URL
    database(POSTGRES_URL, create=True, drop=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from lcv.webhooks import services
    from lcv.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

    call_command("migrate", verbosity=0)
    contact, signals = setup()
    partner = contact.membership.organisation  # type: ignore[attr-defined]

    from lcv.webhooks.signing import new_secret

    secret = new_secret()
    receiver = subprocess.Popen(  # noqa: S603 - this project's own test receiver
        [sys.executable, "-m", "lcv.testing.webhooks", "--secret", secret],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    try:
        assert receiver.stdout is not None
        url = receiver.stdout.readline().strip()
        endpoint, _secret = services.register_endpoint(organisation=partner, actor=contact, url=url)
        type(endpoint).objects.filter(pk=endpoint.pk).update(secret=secret)  # the receiver's copy
        say(
            f"PostgreSQL {urlsplit(POSTGRES_URL).path.lstrip('/')}; {os.cpu_count()} CPUs; receiver {url} (own process)"
        )

        created = write_messages(partner.pk, signals, args.messages)
        say(
            f"deliveries created from {args.messages:,} messages: "
            f"{WebhookDelivery.objects.count():,} in {created:.2f} s (one INSERT ... SELECT)"
        )
        seconds = send_with(1, args.threads)
        delivered = WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
        figures = receiver_figures(url)
        say(
            f"one sender, {args.threads} threads: {delivered:,} delivered in {seconds:.2f} s = "
            f"{delivered / seconds:,.0f} deliveries/s (target >= 200); receiver: {figures}"
        )

        write_messages(partner.pk, signals, args.messages)
        seconds = send_with(2, args.threads)
        total = WebhookDelivery.objects.count()
        delivered = WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
        figures = receiver_figures(url)
        say(
            f"two senders at once: {args.messages:,} more in {seconds:.2f} s = {args.messages / seconds:,.0f}/s; "
            f"{delivered:,} of {total:,} delivered, {WebhookAttempt.objects.count():,} attempts; receiver: {figures}"
        )
        failed = (
            WebhookAttempt.objects.exclude(status_code__gte=200, status_code__lt=300)
            .values_list("status_code", "error")
            .annotate(n=Count("id"))
        )
        say(f"failed attempts (retried later): {list(failed) or 'none'}")
        twice = figures["received"] - figures["unique_ids"]
        say(f"sent twice: {twice} (must be 0)")
    finally:
        receiver.terminate()
        receiver.wait()
        from django.db import connections

        connections.close_all()
        database(POSTGRES_URL, create=False, drop=True)


if __name__ == "__main__":
    main()
