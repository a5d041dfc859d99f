"""One exception hierarchy for everything that can go wrong asking the BRP (R17).

Messages carry the query type, the HTTP status and the problem-details `title`/`code` only: never
a value that was sent (BSN, name, postcode) or returned, so they can be logged as they are.
"""

from __future__ import annotations


class BrpError(Exception):
    """Base class: the BRP did not give a usable answer."""

    retryable = False


class BrpUnavailable(BrpError):
    """5xx, a timeout or no connection: try again later with back-off."""

    retryable = True


class BrpRefused(BrpError):
    """The BRP refused the question (400, 401, 403, 404, 406, 415, 429 …): asking again the same way
    gives the same answer, so this is not retried."""

    def __init__(self, *, status: int, title: str = "", code: str = "", invalid_params: tuple[str, ...] = ()):
        self.status = status
        self.title = title
        self.code = code
        self.invalid_params = invalid_params  # names of the refused parameters, never their values
        detail = f"BRP refused the query: HTTP {status}"
        if code:
            detail += f", code {code}"
        if title:
            detail += f" ({title})"
        if invalid_params:
            detail += f"; parameters: {', '.join(invalid_params)}"
        super().__init__(detail)


class BrpMalformed(BrpError):
    """The answer is not what the published spec says it is (not JSON, wrong shape or types)."""
