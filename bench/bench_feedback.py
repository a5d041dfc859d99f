"""Benchmark: feedback to partners at national scale (issue 12). Prints its figures; asserts nothing
about time.

    .venv/bin/python bench/bench_feedback.py                  # on the kept data set of bench_dataset.py
    .venv/bin/python bench/bench_feedback.py --cases 20000 --items 100000 --page 100

On PostgreSQL, with the data set of `lcv national_dataset` and the new month grouped into cases (as
bench_cases.py leaves it; grouped here when it is not):

1. Closing: --cases open cases closed in one action (`cases.services.close_many`, outcome "Niet
   opgepakt: herhaalde melding"), which writes the feedback of every signal in them in the same
   transaction (target: <= 10 s). An earlier run's closings are undone first.
2. The API: the partner with the most signals gets --items messages; `GET /api/v1/feedback` is paged
   through with its cursor, --page items a page, through Django's test client with a real token:
   queries per page (the same on every page) and p50/p95 per page (target p95 <= 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dataset import POSTGRES_URL, ensure_dataset, month_bounds


def say(text: str) -> None:
    print(text, flush=True)


def ensure_month_grouped() -> None:
    from lcv.cases.grouping import group_deliveries, ungrouped_deliveries

    pending = ungrouped_deliveries()
    if pending:
        say(f"grouping {len(pending)} deliveries not grouped yet …")
        group_deliveries(pending)


def undo_earlier_run() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE feedback_signalfeedback, feedback_feedbackmessage CASCADE")
        low, _high = month_bounds()
        cursor.execute(
            "UPDATE cases_case SET is_open = true, status = 'new', outcome = '', closed_at = NULL "
            "WHERE outcome = 'repeated' AND opened_at >= %s",
            [low],
        )
        cursor.execute(
            "DELETE FROM cases_caseevent WHERE event = 'close' AND detail = %s", ["Niet opgepakt: herhaalde melding"]
        )
    with connection.cursor() as cursor:
        for table in ("feedback_signalfeedback", "feedback_feedbackmessage", "cases_case", "cases_caseevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def close_cases(count: int) -> None:
    from lcv.accounts.models import User
    from lcv.cases.models import Case
    from lcv.cases.outcomes import Outcome
    from lcv.cases.services import close_many
    from lcv.feedback.models import FeedbackMessage
    from lcv.testing.factories import make_user

    actor = User.objects.filter(email="bench-closer@voorbeeld.nl").first() or make_user(
        email="bench-closer@voorbeeld.nl", full_name="Bench Sluiter"
    )
    low, _high = month_bounds()
    ids = list(
        Case.objects.filter(is_open=True, opened_at__gte=low).order_by("pk").values_list("pk", flat=True)[:count]
    )
    started = time.perf_counter()
    result = close_many(cases=Case.objects.filter(pk__in=ids), actor=actor, outcome=Outcome.REPEATED)
    seconds = time.perf_counter() - started
    messages = FeedbackMessage.objects.count()
    say(
        f"closing {result.closed} cases in one action (refused {len(result.refused)}): {seconds:.2f} s "
        f"including {messages} feedback messages (target <= 10 s)"
    )


def fill_partner(items: int) -> int:
    """Give the partner with the most signals `items` messages (set-based), for paging."""
    from django.db import connection, transaction

    from lcv.feedback.models import FeedbackMessage

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partner_id FROM signals_signal WHERE partner_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        (partner_id,) = cursor.fetchone()
    have = FeedbackMessage.objects.filter(partner_id=partner_id).count()
    if have < items:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO feedback_feedbackmessage (public_id, event, partner_id, municipal_party_id, signal_id, "
                "delivery_id, reported, reason, created_at) "
                "SELECT gen_random_uuid(), 'feedback.created', s.partner_id, s.municipal_party_id, s.id, "
                "s.delivery_id, 'not_picked_up', 'repeated', now() FROM signals_signal s WHERE s.partner_id = %s "
                "ORDER BY s.id LIMIT %s",
                [partner_id, items - have],
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE feedback_feedbackmessage")
    return partner_id


def page_api(partner_id: int, page: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lcv.organisations.models import Organisation
    from lcv.signals import tokens
    from lcv.testing.factories import make_user

    settings.ALLOWED_HOSTS = ["*"]
    partner = Organisation.objects.get(pk=partner_id)
    _token, plain = tokens.create_token(
        organisation=partner,
        actor=make_user(email=f"bench-api-{partner_id}-{time.time_ns()}@voorbeeld.nl"),
        name="bench",
    )
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    client.get("/api/v1/feedback", {"limit": "1"})  # the token's first use is recorded once
    since, times, queries, items = "0", [], set(), 0
    started = time.perf_counter()
    while True:
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            response = client.get("/api/v1/feedback", {"since": since, "limit": str(page)})
            times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, response.status_code
        body = response.json()
        queries.add(len(captured.captured_queries))
        items += len(body["berichten"])
        since = body["volgende"]
        if not body["meer"]:
            break
    p95 = statistics.quantiles(times, n=20)[18]
    say(
        f"GET /api/v1/feedback for {partner.name}: {items} items in {len(times)} pages of {page} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    say(
        f"  queries per page: {sorted(queries)}  p50 {statistics.median(times):.1f} ms  p95 {p95:.1f} ms "
        "(target <= 100 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=150_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=100)
    args = parser.parse_args()
    ensure_dataset(POSTGRES_URL, stored=args.stored, new=args.new)
    ensure_month_grouped()
    undo_earlier_run()
    close_cases(args.cases)
    page_api(fill_partner(args.items), args.page)


if __name__ == "__main__":
    main()
