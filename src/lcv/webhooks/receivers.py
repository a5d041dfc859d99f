"""How webhooks hear of new feedback messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)


def on_messages_written(*, partner_ids: Sequence[int], **kwargs: Any) -> None:
    """After the messages committed: their deliveries, then the worker sends them."""
    from lcv.webhooks.services import create_deliveries
    from lcv.webhooks.tasks import send_webhooks_task

    try:
        created = create_deliveries(partner_ids=partner_ids)
    except Exception:  # the feedback is committed; the sweep of every minute creates what is missing
        logger.exception("webhook deliveries not created; the sweep will")
        return
    if created:
        send_webhooks_task.enqueue()
