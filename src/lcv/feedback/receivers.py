"""How feedback hears of what happens below it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction


def on_outcome_changed(*, case_ids: Sequence[int], event: str, **kwargs: Any) -> None:
    """In the case's own transaction: the case and its feedback commit together or not at all."""
    from lcv.feedback.services import on_outcome_changed as derive

    derive(case_ids=case_ids, event=event)


def on_delivery_processed(*, delivery_id: int, **kwargs: Any) -> None:
    from lcv.feedback.tasks import start_delivery_pauses_task

    transaction.on_commit(lambda: start_delivery_pauses_task.enqueue(delivery_id))


def connect() -> None:
    from lcv.cases.hooks import outcome_changed
    from lcv.feedback import tasks  # noqa: F401  (registers the periodic job)
    from lcv.signals.hooks import delivery_processed

    outcome_changed.connect(on_outcome_changed, dispatch_uid="feedback.outcome_changed")
    delivery_processed.connect(on_delivery_processed, dispatch_uid="feedback.delivery_pauses")
