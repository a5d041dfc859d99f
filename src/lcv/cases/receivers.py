"""How case handling hears of what happens below it."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def on_delivery_processed(*, delivery_id: int, **kwargs: Any) -> None:
    from lcv.cases.tasks import group_delivery_task

    transaction.on_commit(lambda: group_delivery_task.enqueue(delivery_id))


def connect() -> None:
    from lcv.accounts.policy import register_owner
    from lcv.cases import selectors, tasks  # noqa: F401  (tasks registers the periodic jobs)
    from lcv.cases.models import Case
    from lcv.signals.hooks import delivery_processed

    delivery_processed.connect(on_delivery_processed, dispatch_uid="cases.group_processed_delivery")
    register_owner(Case, selectors.case_owners)
