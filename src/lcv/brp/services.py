"""Writing the BRP query record (issue 11 item 3, R17: every query is accounted for)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lcv.brp.models import BrpQuery

# A reference or job name is chosen by the caller ("zaak 123", "brp_check"); it may not smuggle in
# personal data, so a BSN-like run of nine digits or a postcode is refused.
_PERSONAL = re.compile(r"\d{9}|\b[1-9]\d{3} ?[A-Za-z]{2}\b")


@dataclass(frozen=True)
class QueryContext:
    """Who asks and why: a person (`actor_id`) or a background job (`job`), and the caller's
    reference such as "zaak 123" (the brp app knows no cases)."""

    actor_id: int | None = None
    job: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        if self.actor_id is None and not self.job:
            raise ValueError("a BRP query needs an actor or a job")
        for value in (self.job, self.reference):
            if len(value) > 100 or _PERSONAL.search(value):
                raise ValueError("job and reference must be short and hold no personal data")


def record_query(
    *,
    context: QueryContext,
    query_type: str,
    fields: list[str],
    http_status: int | None,
    outcome: str,
    result_count: int | None,
    duration_ms: int,
) -> BrpQuery:
    """Store one BRP query (R17): who or which job, which reference, when, which fields, and how it
    went. The record itself is the accounting; it holds no personal data, so no audit event."""
    return BrpQuery.objects.create(
        actor_id=context.actor_id,
        job=context.job,
        reference=context.reference,
        query_type=query_type,
        fields=list(fields),
        http_status=http_status,
        outcome=outcome,
        result_count=result_count,
        duration_ms=duration_ms,
    )
