"""Benchmark: case handling at national scale (issue 11). Prints its figures; asserts nothing about time.

    .venv/bin/python bench/bench_cases.py              # on the kept data set of bench_dataset.py
    .venv/bin/python bench/bench_cases.py --requests 200 --brp-workers 8
    .venv/bin/python bench/bench_cases.py --skip-brp
    .venv/bin/python bench/bench_cases.py --skip-brp --previous-month-open

On PostgreSQL, with the data set of `lcv national_dataset` (1,000,000 stored signals, 150,000 in
November 2026; built by bench_dataset.ensure_dataset when missing):

1. History: the stored signals are grouped month by month as they would have been, and each month's
   cases are closed after it, so the new month meets earlier cases at 40 % of its addresses.
2. Grouping: the new month's 150,000 signals into cases, in one run, against a plain
   INSERT ... SELECT of the same rows measured in the same run (target: <= 30 s; the ratio is reported).
   The month is un-grouped first, so the bench can be run again on the same database. With
   --previous-month-open the previous month's cases are left open (as most are, 4 weeks after they
   were made), so the month's signals at their addresses join them and the run also recomputes
   cases made earlier.
3. The work tray of the largest municipality (5 % of the volume): the first page, a filtered page and
   a case page, each requested --requests times through Django's test client: queries per request
   (also for a small municipality: the same number whatever the volume) and p50/p95 time.
4. The BRP check of that municipality's new cases against the BRP test service (a separate process,
   loaded with the data set's residents), --brp-workers at a time: cases per second.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dataset import MONTH, POSTGRES_URL, ZONE, ensure_dataset, month_bounds, plain_insert_select

LARGE_KVK = "99900363"  # Amsterdam in the data set
SMALL_CBS = "1680"  # Aa en Hunze: one of the smallest volumes


def say(text: str) -> None:
    print(text, flush=True)


def history() -> None:
    """Group the stored months, closing each month's cases a few weeks later (set-based)."""
    from django.db.models import Min

    from lcv.cases.grouping import group_deliveries
    from lcv.cases.models import Case, CaseStatus, GroupedDelivery
    from lcv.cases.outcomes import Outcome
    from lcv.signals.models import Delivery

    low, _high = month_bounds()
    done = set(GroupedDelivery.objects.values_list("delivery_id", flat=True))
    old = Delivery.objects.filter(received_at__lt=low).exclude(pk__in=done)
    first = old.aggregate(first=Min("received_at"))["first"]
    if first is None:
        say("history: grouped before")
        return
    started = time.perf_counter()
    month = datetime(first.year, first.month, 1, tzinfo=ZONE)
    while month < low:
        after = (month + timedelta(days=32)).replace(day=1)
        ids = list(old.filter(received_at__gte=month, received_at__lt=after).values_list("pk", flat=True))
        moment = month.replace(day=26, hour=6)
        result = group_deliveries(ids, now=moment)
        Case.objects.filter(is_open=True, opened_at__lte=moment).update(
            is_open=False, status=CaseStatus.CLOSED, outcome=Outcome.NO_CONTACT, closed_at=moment + timedelta(days=20)
        )
        say(f"  history {month:%Y-%m}: {result.linked:>7} signals, {result.new_cases:>7} new cases")
        month = after
    say(f"history grouped and closed in {time.perf_counter() - started:.1f} s")


def ungroup_month() -> None:
    """Undo an earlier run's grouping of the new month (so this run measures it again): its cases go,
    earlier cases lose the month's signals and are closed again, as the history left them."""
    from django.db import connection, transaction

    low, high = month_bounds()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_month_cases ON COMMIT DROP AS SELECT DISTINCT l.case_id AS id "
            "FROM cases_casesignal l JOIN signals_signal s ON s.id = l.signal_id JOIN cases_case c ON c.id = l.case_id "
            "WHERE s.received_at >= %s AND s.received_at < %s AND c.opened_at >= %s",
            [low, high, low],
        )
        # feedback of an earlier bench_feedback.py run points at these cases (the data set is the benches' own)
        cursor.execute("TRUNCATE feedback_signalfeedback, feedback_feedbackmessage CASCADE")
        for table in ("cases_caseevent", "cases_caseaccess", "cases_contactattempt", "cases_casenote"):
            cursor.execute(f"DELETE FROM {table} WHERE case_id IN (SELECT id FROM bench_month_cases)")  # noqa: S608
        cursor.execute(
            "DELETE FROM cases_casesignal WHERE signal_id IN "
            "(SELECT id FROM signals_signal WHERE received_at >= %s AND received_at < %s)",
            [low, high],
        )
        cursor.execute("DELETE FROM cases_caseperson WHERE case_id IN (SELECT id FROM bench_month_cases)")
        cursor.execute("DELETE FROM cases_case WHERE id IN (SELECT id FROM bench_month_cases)")
        cursor.execute("DELETE FROM cases_caseevent WHERE at >= %s", [low])
        # earlier cases left open by --previous-month-open, or that got the month's signals
        cursor.execute(
            "UPDATE cases_case SET is_open = FALSE, status = %s, outcome = %s, has_news = FALSE, "
            "closed_at = opened_at + interval '20 days' WHERE is_open AND opened_at < %s",
            ["closed", "no_contact", low],
        )
        cursor.execute(
            "DELETE FROM cases_groupeddelivery WHERE delivery_id IN "
            "(SELECT id FROM signals_delivery WHERE received_at >= %s AND received_at < %s)",
            [low, high],
        )
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_casesignal", "cases_caseperson", "cases_caseevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def open_previous_month() -> int:
    """Leave the previous month's cases open, as most are 4 weeks after they were made: the month's
    signals at those addresses then join them, and the run also recomputes cases made earlier."""
    from django.db import connection

    low, _high = month_bounds()
    previous = (low - timedelta(days=1)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET is_open = TRUE, status = %s, outcome = '', closed_at = NULL "
            "WHERE opened_at >= %s AND opened_at < %s AND NOT is_open",
            ["new", previous, low],
        )
        count = cursor.rowcount
        cursor.execute("VACUUM ANALYZE cases_case")
    return count


def group_month() -> None:
    from django.conf import settings

    from lcv.cases.grouping import group_deliveries
    from lcv.cases.models import Case
    from lcv.signals.models import Delivery

    settings.BRP_BASE_URL = ""  # the BRP check is measured apart (4.)
    low, high = month_bounds()
    ids = list(Delivery.objects.filter(received_at__gte=low, received_at__lt=high).values_list("pk", flat=True))
    baseline, rows = plain_insert_select()
    started = time.perf_counter()
    result = group_deliveries(ids, now=high.replace(day=1) - timedelta(days=4))
    seconds = time.perf_counter() - started
    say(
        f"grouping {MONTH:%Y-%m}: {result.linked} signals into {result.affected} cases ({result.new_cases} new, "
        f"{result.affected - result.new_cases} made earlier) "
        f"in {seconds:.2f} s (target <= 30 s)"
    )
    say(f"  plain INSERT ... SELECT of the same {rows} rows: {baseline:.2f} s")
    say(f"  grouping / plain = {seconds / baseline:.1f}x")
    earlier = Case.objects.filter(opened_at__gte=low, earlier_cases__gt=0).count()
    say(f"  new cases with an earlier case at the address (6 months): {earlier}")


def _handler(organisation):  # type: ignore[no-untyped-def]
    from lcv.organisations.models import Membership
    from lcv.testing.factories import make_user

    membership = Membership.objects.filter(organisation=organisation, is_handler=True).select_related("user").first()
    if membership:
        return membership.user
    user = make_user(email=f"bench-handler-{organisation.pk}@voorbeeld.nl", full_name="Bench Behandelaar")
    Membership.objects.create(user=user, organisation=organisation, is_handler=True)
    return user


def _measure(client, url: str, requests: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return times, queries


def trays(requests: int) -> None:
    from django.conf import settings
    from django.test import Client

    from lcv.cases.models import Case
    from lcv.organisations.models import Organisation
    from lcv.testing.auth import login_verified

    settings.ALLOWED_HOSTS = ["*"]
    large = Organisation.objects.get(kvk_number=LARGE_KVK)
    small = Organisation.objects.get(municipality__cbs_code=SMALL_CBS)
    for party, label in ((large, "large"), (small, "small")):
        client = Client()
        login_verified(client, _handler(party))
        open_cases = Case.objects.filter(municipal_party=party, is_open=True).count()
        case = Case.objects.filter(municipal_party=party, is_open=True).order_by("due_on", "-score").first()
        pages = (
            ("first page", "/zaken/"),
            ("filtered page", "/zaken/?sector=energy&behandelaar=niemand&pagina=2"),
            ("case page", f"/zaken/{case.pk}/"),
        )
        client.get("/zaken/")  # warm up
        say(f"work tray of {party.name} ({label}; {open_cases} open cases):")
        for name, url in pages:
            times, queries = _measure(client, url, requests if label == "large" else 10)
            p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
            say(
                f"  {name:<14} {queries:>2} queries  p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms "
                f"({len(times)} requests)"
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def brp(workers: int) -> None:
    from django.conf import settings

    from lcv.brp.client import split_addition
    from lcv.cases import brp_check
    from lcv.cases.models import BrpStatus, Case, CasePerson
    from lcv.organisations.models import Organisation
    from lcv.portal.national import Spec, residents

    large = Organisation.objects.get(kvk_number=LARGE_KVK)
    cbs = large.municipality.cbs_code
    people = residents(Spec(stored=1_000_000, new=150_000, seed=1, month=MONTH), cbs)
    records = []
    for person in people:
        letter, addition = split_addition(person.house_number_addition)
        records.append(
            {
                "bsn": person.bsn,
                "given_names": person.first_names,
                "surname": person.surname,
                "prefix": person.prefix,
                "birth_date": person.birth_date.isoformat(),
                "postcode": person.postcode,
                "house_number": person.house_number,
                "house_letter": letter,
                "addition": addition,
                "street": person.street,
                "town": person.city,
                "municipality_code": person.cbs_code,
                "municipality_name": large.municipality.name,
                "naming_use": person.name_use,
                "partner_prefix": person.partner_prefix,
                "partner_surname": person.partner_surname,
            }
        )
    port = _free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(records, file)
    service = subprocess.Popen(  # noqa: S603 - this project's own command
        [
            sys.executable,
            "-m",
            "lcv.manage",
            "brp_testservice",
            "--port",
            str(port),
            "--api-key",
            "bench",
            "--residents",
            file.name,
        ],
        env=os.environ | {"LCV_DEMO": "false"},
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        settings.BRP_BASE_URL = f"http://127.0.0.1:{port}"
        settings.BRP_API_KEY = "bench"
        month_cases = Case.objects.filter(municipal_party=large, opened_at__gte=month_bounds()[0], is_open=True)
        CasePerson.objects.filter(case__in=month_cases).update(brp_status=BrpStatus.PENDING, bsn="")
        count = month_cases.update(brp_status=BrpStatus.PENDING)
        started = time.perf_counter()
        result = brp_check.check_party(large.pk, workers=workers)
        seconds = time.perf_counter() - started
        say(
            f"BRP check of {large.name}'s {count} new cases ({len(records)} residents in the test service), "
            f"{workers} at a time: {seconds:.1f} s, {count / seconds:.0f} cases/s"
        )
        say("  outcomes: " + ", ".join(f"{BrpStatus(k).label}: {v}" for k, v in sorted(result.items())))
    finally:
        service.terminate()
        service.wait(10)
        os.unlink(file.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=150_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--brp-workers", type=int, default=8)
    parser.add_argument("--skip-brp", action="store_true")
    parser.add_argument(
        "--previous-month-open",
        action="store_true",
        help="leave the previous month's cases open, so the month's signals also join existing cases",
    )
    args = parser.parse_args()
    ensure_dataset(POSTGRES_URL, stored=args.stored, new=args.new)
    history()
    ungroup_month()
    if args.previous_month_open:
        say(f"previous month's cases left open: {open_previous_month()}")
    group_month()
    trays(args.requests)
    if not args.skip_brp:
        brp(args.brp_workers)


if __name__ == "__main__":
    main()
