"""Agreement generation within one working day of approval (R2): on approval, and in a job on
every working day that also catches anything missed."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lcv.core.calendar import is_working_day
from lcv.core.schedule import Job, register


@task()
def generate_agreements_task() -> int:
    from lcv.agreements.generation import generate_agreements
    from lcv.core.models import Event

    created = generate_agreements()
    Event.objects.filter(name="organisation.approved", handled_at__isnull=True).update(handled_at=timezone.now())
    return created


def on_organisation_approved(**kwargs: Any) -> None:
    """registrations approved an organisation (`organisation_approved`, inside its transaction):
    generate agreements once that commits."""
    transaction.on_commit(generate_agreements_task.enqueue)


@task()
def generate_agreements_on_working_days() -> int:
    if not is_working_day(timezone.localdate()):
        return 0
    return int(generate_agreements_task.call())


register(
    Job(
        name="generate_agreements",
        task_path="lcv.agreements.tasks.generate_agreements_on_working_days",
        at=time(6, 0),
    )
)


@task()
def send_signing_notices_task() -> int:
    from lcv.agreements.notices import send_signing_notices

    return send_signing_notices()


# R4: Monday morning, Europe/Amsterdam. Only on the Monday itself (catch-up until the evening).
register(
    Job(
        name="monday_signing_notice",
        task_path="lcv.agreements.tasks.send_signing_notices_task",
        at=time(8, 0),
        weekday=0,
    )
)


@task()
def seal_agreement_task(agreement_id: int) -> str:
    """R6: make the sealed final document of an active agreement (once; a retry changes nothing)."""
    from lcv.agreements.documents import final_document
    from lcv.agreements.models import Agreement

    return str(final_document(Agreement.objects.get(pk=agreement_id)).sha256)


@task()
def end_due_agreements_task() -> int:
    from lcv.agreements.services import end_due_agreements

    return end_due_agreements()


register(Job(name="end_due_agreements", task_path="lcv.agreements.tasks.end_due_agreements_task", at=time(0, 30)))
