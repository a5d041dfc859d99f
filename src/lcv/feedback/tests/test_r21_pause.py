"""R21: the pause of collection: at least 30 days after help is accepted; under the addendum from
delivery until delivery + 4 weeks, extended when help is accepted; a daily job ends pauses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone

from lcv.agreements.models import Addendum, AddendumStatus, Agreement
from lcv.cases import services
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.cases.tests.conftest import ZONE
from lcv.feedback import pauses
from lcv.feedback.models import Event, FeedbackMessage, SignalFeedback
from lcv.feedback.services import end_pauses, start_delivery_pauses
from lcv.feedback.whitelist import Reported

ON = date(2026, 3, 22)


def accept(chain, on=ON):
    case = chain.open_case()
    services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=ON)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=on)
    return case


def test_r21_the_pause_is_30_days_also_across_a_month_end():
    assert pauses.after_help(date(2027, 1, 31)) == date(2027, 3, 2)  # not 28 February: "a month" is too short
    assert pauses.after_help(date(2028, 1, 31)) == date(2028, 3, 1)  # leap year
    assert pauses.after_help(date(2026, 12, 15)) == date(2027, 1, 14)
    for day in (date(2027, 1, 31) + timedelta(days=n) for n in range(400)):
        assert (pauses.after_help(day) - day).days >= 30


def test_r21_help_accepted_pauses_collection_30_days_from_acceptance(chain):
    chain.deliver(chain.water, [chain.signal(chain.water)])
    accept(chain, on=date(2026, 3, 20))
    state = SignalFeedback.objects.get()
    assert (state.pause_from, state.pause_until) == (date(2026, 3, 20), date(2026, 4, 19))
    assert FeedbackMessage.objects.get().pause_until == date(2026, 4, 19)


def pause_addendum(chain) -> Addendum:
    agreement = Agreement.objects.get(partner=chain.water, municipal_party=chain.utrecht)
    return Addendum.objects.create(
        agreement=agreement,
        proposed_by=chain.utrecht,
        uploaded_by=chain.handler,
        description="Incasso pauzeren vanaf aanlevering",
        pdf=b"%PDF-",
        sha256="0" * 64,
        pause_at_delivery=True,
        status=AddendumStatus.ACCEPTED,
        decided_at=timezone.now() - timedelta(days=1),
    )


def test_r21_under_the_addendum_collection_pauses_from_delivery_for_4_weeks(
    chain, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    pause_addendum(chain)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = chain.deliver(chain.water, [chain.signal(chain.water)])
        energy = chain.deliver(chain.energy, [chain.signal(chain.energy)])  # no addendum: no pause
    state = SignalFeedback.objects.get()
    assert state.delivery_id == delivery.pk
    assert (state.pause_from, state.pause_until) == (ON, ON + timedelta(weeks=4))
    message = FeedbackMessage.objects.get()
    assert (message.event, message.reported, message.pause_until) == (Event.PAUSE_STARTED, "", date(2026, 4, 19))
    assert start_delivery_pauses(delivery.pk) == 0  # again: nothing twice
    assert not SignalFeedback.objects.filter(delivery=energy).exists()


def test_r21_under_the_addendum_help_accepted_extends_the_pause(chain):
    pause_addendum(chain)
    delivery = chain.deliver(chain.water, [chain.signal(chain.water)])
    start_delivery_pauses(delivery.pk)
    accept(chain, on=date(2026, 4, 10))
    state = SignalFeedback.objects.get()
    assert state.pause_from == ON
    assert state.pause_until == date(2026, 5, 10)
    message = FeedbackMessage.objects.get(event=Event.CREATED)
    assert (message.reported, message.pause_until) == (Reported.HELP_ACCEPTED, date(2026, 5, 10))


def test_r21_an_early_acceptance_never_shortens_the_addendum_pause(chain):
    pause_addendum(chain)
    delivery = chain.deliver(chain.water, [chain.signal(chain.water)])
    start_delivery_pauses(delivery.pk)
    accept(chain, on=date(2026, 3, 16))  # acceptance + 30 days = 15 April, before delivery + 4 weeks
    assert SignalFeedback.objects.get().pause_until == date(2026, 4, 19)


def test_r21_not_picked_up_keeps_the_addendum_pause_until_its_end(chain):
    pause_addendum(chain)
    delivery = chain.deliver(chain.water, [chain.signal(chain.water)])
    start_delivery_pauses(delivery.pk)
    services.close(case_id=chain.open_case().pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    assert SignalFeedback.objects.get().pause_until == date(2026, 4, 19)


def test_r21_the_daily_job_ends_pauses_after_their_last_day_and_tells_the_partner(chain):
    chain.deliver(chain.water, [chain.signal(chain.water)])
    accept(chain)  # paused up to and including 21 April
    assert end_pauses(today=date(2026, 4, 21)) == 0
    with time_machine.travel(datetime(2026, 4, 22, 0, 15, tzinfo=ZONE)):
        assert end_pauses() == 1
        assert end_pauses() == 0  # once
    ended = FeedbackMessage.objects.get(event=Event.PAUSE_ENDED)
    assert ended.partner_id == chain.water.pk
    assert ended.pause_until == date(2026, 4, 21)
    assert SignalFeedback.objects.get().pause_ended_at is not None
