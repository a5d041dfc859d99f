"""R15, R19: each handler with open cases assigned gets one e-mail a working day with counts only,
over real SMTP; no personal data in it; a second run the same day sends nothing."""

from __future__ import annotations

import socket
from datetime import date, timedelta
from email import message_from_bytes

import pytest
import time_machine
from aiosmtpd.controller import Controller

from lcv.cases import services
from lcv.cases.digest import digest_counts, send_deadline_digests
from lcv.cases.models import Case, CaseStatus
from lcv.cases.tasks import deadline_digest_task
from lcv.config.mail import mailers_from_url
from lcv.core.schedule import SCHEDULE
from lcv.testing.factories import member


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}")
    yield sink
    controller.stop()


MONDAY = date(2026, 3, 23)


@pytest.fixture
def assigned(chain):
    """Bea has two open cases: one overdue, one due within 3 working days; a third waits in a tray."""
    chain.deliver(
        chain.water,
        [chain.signal(chain.water, huisnummer=str(n), klantnummer=f"W-{n}", achternaam="Jansen") for n in (1, 2, 3)],
    )
    one, two, _three = Case.objects.order_by("house_number")
    for case in (one, two):
        services.assign(case_id=case.pk, handler=chain.handler, actor=chain.handler)
    Case.objects.filter(pk=one.pk).update(due_on=MONDAY - timedelta(days=1))
    Case.objects.filter(pk=two.pk).update(due_on=MONDAY + timedelta(days=2))
    Case.objects.filter(status=CaseStatus.NEW).update(enters_at=Case.objects.get(pk=one.pk).opened_at)
    return chain


def _parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_r15_r19_the_handler_gets_one_mail_with_counts_only(
    assigned, smtp_sink, settings, django_capture_on_commit_callbacks
):
    member(assigned.utrecht, "handler", email="zonder@utrecht.nl")  # no cases assigned: no mail
    with (
        time_machine.travel(MONDAY.isoformat() + " 07:00 +0100", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_deadline_digests() == 1
    assert len(smtp_sink.messages) == 1
    recipients, message = smtp_sink.messages[0]
    assert recipients == ["behandelaar@utrecht.nl"]
    parts = _parts(message)
    text = parts["text/plain"]
    assert "Uw zaken waarvan de termijn voorbij is: 1" in text
    assert "Uw zaken met een termijn binnen 3 werkdagen: 1" in text
    assert "nog niemand oppakt: 1" in text
    assert f"{settings.SITE_URL}/zaken/" in text
    assert f'href="{settings.SITE_URL}/zaken/"' in parts["text/html"]
    whole = message["Subject"] + text + parts["text/html"]
    for personal in ("Jansen", "Berg", "3511", "Oudegracht", "Bea Handel", "245"):
        assert personal not in whole
    for case in Case.objects.all():
        assert f"zaak {case.pk}" not in whole.lower()


def test_r15_a_second_run_the_same_day_sends_nothing(assigned, smtp_sink, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(MONDAY.isoformat() + " 07:00 +0100", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_deadline_digests()
        assert deadline_digest_task.call() == 0
    assert len(smtp_sink.messages) == 1


def test_r15_no_mail_on_a_day_off_and_none_to_a_deactivated_handler(assigned, smtp_sink):
    assert send_deadline_digests(date(2026, 4, 27)) == 0  # King's Day
    assigned.handler.is_active = False
    assigned.handler.save()
    assert digest_counts(MONDAY) == {}


def test_the_digest_runs_every_day_at_seven():
    job = SCHEDULE["case_deadline_digest"]
    assert (job.at.hour, job.at.minute, job.weekday) == (7, 0, None)
