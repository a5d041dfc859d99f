"""Feedback to partners (R20) and the pause of collection (R21): every message is written here.

A case's outcome decides, through whitelist.py only, what each partner learns about each of its own
signals in the case. Messages are derived in the transaction that changed the case (cases.hooks),
for one case or thousands at once, with a fixed number of statements per batch. A message is
written only when what the partner should know differs from what it was last told; a change after
the handler reopened the case is a correction that points to the message it corrects.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from lcv.cases.deadlines import local_date
from lcv.cases.models import Case, CaseSignal, CaseStatus
from lcv.core.timing import Steps
from lcv.feedback import hooks, pauses
from lcv.feedback.models import Event, FeedbackMessage, PauseBasis, SignalFeedback
from lcv.feedback.whitelist import HELP_ACCEPTED_ROW, Reported, Row, reported_for

logger = logging.getLogger("lcv.feedback")

# any constant: the PostgreSQL advisory lock that serialises writers of messages, so that message
# ids are committed in increasing order (the API's cursor and the webhooks rely on it)
LOCK_KEY = 7_212_012
BATCH = 5000  # rows per INSERT


def _case_batch() -> int:
    """Cases per round: PostgreSQL takes a long IN list well (one scan instead of several); SQLite
    has a limit on the number of parameters in a statement."""
    return 50_000 if connection.vendor == "postgresql" else 5000


def _serialise() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _announce(partner_ids: Iterable[int]) -> None:
    partners = sorted(set(partner_ids))
    if partners:
        transaction.on_commit(lambda: hooks.messages_written.send(sender=FeedbackMessage, partner_ids=partners))


@dataclass(frozen=True)
class _Decision:
    row: Row | None  # what the case says now; None: nothing to report
    on: date  # the day it happened (help accepted: the acceptance date)


def _decision(status: str, outcome: str, help_accepted_on: date | None, closed_at: datetime | None) -> _Decision | None:
    """What a case's state means for its partners, or None while it means nothing yet (open)."""
    if status == CaseStatus.HELP_ACCEPTED:
        return _Decision(HELP_ACCEPTED_ROW, help_accepted_on or timezone.localdate())
    if status == CaseStatus.CLOSED and outcome:
        row = reported_for(outcome)
        if row is not None and row.reported == Reported.HELP_ACCEPTED and help_accepted_on is not None:
            return _Decision(row, help_accepted_on)
        return _Decision(row, local_date(closed_at) if closed_at else timezone.localdate())
    return None


def on_outcome_changed(*, case_ids: Sequence[int], event: str, now: datetime | None = None) -> int:
    """Derive the messages for these cases after `event`; returns how many were written."""
    now = now or timezone.now()
    written = 0
    step = _case_batch()
    if event == "reopen":  # no message yet: the next outcome may correct what was said
        for start in range(0, len(case_ids), step):
            chunk = list(case_ids[start : start + step])
            SignalFeedback.objects.filter(case_id__in=chunk).exclude(last_message=None).update(correcting=True)
        return 0
    _serialise()  # only writers of messages wait for each other
    for start in range(0, len(case_ids), step):
        written += _derive(list(case_ids[start : start + step]), now)
    return written


def _derive(case_ids: list[int], now: datetime) -> int:
    steps = Steps()
    written = _derive_steps(case_ids, now, steps)
    if len(case_ids) >= 1000:
        logger.info("feedback for %d cases: %d messages (%s)", len(case_ids), written, steps)
    return written


def _derive_steps(case_ids: list[int], now: datetime, steps: Steps) -> int:
    started = time.perf_counter()
    decisions = {
        pk: _decision(status, outcome, accepted, closed)
        for pk, status, outcome, accepted, closed in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "status", "outcome", "help_accepted_on", "closed_at"
        )
    }
    links = list(
        CaseSignal.objects.filter(case_id__in=case_ids, signal__partner__isnull=False).values_list(
            "case_id", "signal_id", "signal__partner_id", "signal__municipal_party_id", "signal__delivery_id"
        )
    )
    states = SignalFeedback.objects.in_bulk([signal for _case, signal, *_rest in links])
    steps.seconds["read"] = time.perf_counter() - started
    started = time.perf_counter()
    messages: list[FeedbackMessage] = []
    changed: list[SignalFeedback] = []  # rows that exist: written with an upsert
    new: list[SignalFeedback] = []  # rows that do not yet, with a pause: a plain insert
    first: list[FeedbackMessage] = []  # a first report without a pause: its row is a copy of the message
    written_for: list[tuple[SignalFeedback, FeedbackMessage]] = []
    for case_id, signal_id, partner_id, party_id, delivery_id in links:
        decision = decisions.get(case_id)
        if decision is None:
            continue
        known = states.get(signal_id)
        state = known or SignalFeedback(
            signal_id=signal_id, partner_id=partner_id, municipal_party_id=party_id, delivery_id=delivery_id
        )
        state.case_id = case_id
        correcting = state.correcting
        message = _next_message(state, decision, now)
        if correcting and decision.row is None and message is None:
            state.correcting = False  # closed again without anything to correct
        if message is None and state.correcting == correcting:
            continue  # nothing changed for this signal (a signal nobody was told about keeps no row)
        state.updated_at = now
        if message is not None:
            message.created_at = now
            messages.append(message)
            written_for.append((state, message))
        if known:
            changed.append(state)
        elif message is not None and state.pause_until is None and state.pause_from is None:
            first.append(message)
        else:
            new.append(state)
    steps.seconds["decide"] = time.perf_counter() - started
    with steps.step("messages"):
        FeedbackMessage.objects.bulk_create(messages, batch_size=BATCH)
    for state, message in written_for:
        state.last_message_id = message.pk
    with steps.step("states"):
        _copy_states(first)
        SignalFeedback.objects.bulk_create(new, batch_size=BATCH)
    SignalFeedback.objects.bulk_create(
        changed,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["signal"],
        update_fields=[
            "case",
            "reported",
            "reason",
            "reported_at",
            "pause_basis",
            "pause_from",
            "pause_until",
            "pause_ended_at",
            "correcting",
            "last_message",
            "updated_at",
        ],
    )
    _announce(message.partner_id for message in messages)
    return len(messages)


def _copy_states(messages: list[FeedbackMessage]) -> None:
    """The state rows of first reports without a pause, copied from their messages in the database
    (one statement per batch instead of a model instance per signal: closing 20,000 cases at once)."""
    states, sent = SignalFeedback._meta.db_table, FeedbackMessage._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(messages), BATCH):
            ids = [message.pk for message in messages[start : start + BATCH]]
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO {states} (signal_id, partner_id, municipal_party_id, delivery_id, case_id, reported, "  # noqa: S608
                "reason, reported_at, pause_basis, correcting, last_message_id, updated_at) "
                "SELECT signal_id, partner_id, municipal_party_id, delivery_id, case_id, reported, reason, created_at, "
                f"'', %s, id, created_at FROM {sent} WHERE id IN ({marks})",
                [False, *ids],
            )


def _next_message(state: SignalFeedback, decision: _Decision, now: datetime) -> FeedbackMessage | None:
    """The message this signal's partner gets now, if any, with the signal's state brought up to
    date. Only rows of the whitelist, or the withdrawal of an earlier one, ever leave here."""
    today = timezone.localdate(now)
    row = decision.row
    told = Row(state.reported, state.reason) if state.reported else None
    if row is None:
        # "nothing" outcomes report nothing; only the correction of an earlier message is sent
        if not (state.correcting and told is not None and told.reported != Reported.WITHDRAWN):
            return None
        row = Row(Reported.WITHDRAWN)
    if told == row:
        state.correcting = False
        return None
    was_help = told is not None and told.reported == Reported.HELP_ACCEPTED
    if row.reported == Reported.HELP_ACCEPTED:
        state.pause_basis = PauseBasis.HELP_ACCEPTED
        state.pause_from = min(filter(None, [state.pause_from, decision.on]))
        state.pause_until = max(filter(None, [state.delivery_pause_until, pauses.after_help(decision.on)]))
        state.pause_ended_at = None
    elif was_help:
        # the help was not accepted after all: only the addendum's pause, if it still runs, remains
        running = state.delivery_pause_until is not None and state.delivery_pause_until >= today
        state.pause_basis = PauseBasis.DELIVERY if running else ""
        state.pause_until = state.delivery_pause_until if running else None
        state.pause_from = state.pause_from if running else None
        state.pause_ended_at = None
    correction = told is not None and state.last_message_id is not None
    message = FeedbackMessage(
        event=Event.CORRECTED if correction else Event.CREATED,
        partner_id=state.partner_id,
        municipal_party_id=state.municipal_party_id,
        signal_id=state.signal_id,
        delivery_id=state.delivery_id,
        case_id=state.case_id,
        reported=row.reported,
        reason=row.reason,
        pause_until=state.pause_until if state.pause_ended_at is None else None,
        corrects_id=state.last_message_id if correction else None,
    )
    state.reported, state.reason = row.reported, row.reason
    state.reported_at = now
    state.correcting = False
    return message  # the caller points the state to it once it is written


@transaction.atomic
def start_delivery_pauses(delivery_id: int, *, now: datetime | None = None) -> int:
    """R21, the addendum "pause from delivery": the delivery's admitted signals under an agreement
    with that addendum in force are paused until delivery + 4 weeks. Safe to call again."""
    from lcv.agreements.models import AddendumStatus
    from lcv.signals.models import Signal

    now = now or timezone.now()
    _serialise()
    signals = (
        Signal.objects.filter(
            delivery_id=delivery_id,
            partner__isnull=False,
            agreement__addenda__status=AddendumStatus.ACCEPTED,
            agreement__addenda__pause_at_delivery=True,
            agreement__addenda__decided_at__lte=F("received_at"),
        )
        .exclude(pk__in=SignalFeedback.objects.filter(delivery_id=delivery_id).values("signal_id"))
        .distinct()
        .values_list("pk", "partner_id", "municipal_party_id", "received_at")
    )
    states, messages = [], []
    for signal_id, partner_id, party_id, received_at in signals:
        received_on = local_date(received_at)
        until = pauses.after_delivery(received_on)
        message = FeedbackMessage(
            event=Event.PAUSE_STARTED,
            partner_id=partner_id,
            municipal_party_id=party_id,
            signal_id=signal_id,
            delivery_id=delivery_id,
            pause_until=until,
            created_at=now,
        )
        messages.append(message)
        states.append(
            SignalFeedback(
                signal_id=signal_id,
                partner_id=partner_id,
                municipal_party_id=party_id,
                delivery_id=delivery_id,
                pause_basis=PauseBasis.DELIVERY,
                pause_from=received_on,
                pause_until=until,
                delivery_pause_until=until,
                updated_at=now,
            )
        )
    FeedbackMessage.objects.bulk_create(messages, batch_size=BATCH)
    for state, message in zip(states, messages, strict=True):
        state.last_message_id = message.pk
    SignalFeedback.objects.bulk_create(states, batch_size=BATCH)
    _announce(message.partner_id for message in messages)
    return len(messages)


@transaction.atomic
def end_pauses(*, today: date | None = None, now: datetime | None = None) -> int:
    """R21: pauses whose last day has passed end; the partner gets a message for each. Safe to call
    again (an ended pause is not ended twice)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    _serialise()
    ended = 0
    while True:
        rows = list(
            SignalFeedback.objects.filter(pause_ended_at=None, pause_until__lt=today)
            .order_by("pk")
            .values_list("pk", "partner_id", "municipal_party_id", "delivery_id", "case_id", "pause_until")[:BATCH]
        )
        if not rows:
            break
        messages = [
            FeedbackMessage(
                event=Event.PAUSE_ENDED,
                partner_id=partner_id,
                municipal_party_id=party_id,
                signal_id=signal_id,
                delivery_id=delivery_id,
                case_id=case_id,
                pause_until=until,
                created_at=now,
            )
            for signal_id, partner_id, party_id, delivery_id, case_id, until in rows
        ]
        FeedbackMessage.objects.bulk_create(messages)
        SignalFeedback.objects.filter(pk__in=[row[0] for row in rows]).update(pause_ended_at=now, updated_at=now)
        _announce(message.partner_id for message in messages)
        ended += len(rows)
    return ended
