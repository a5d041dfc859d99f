"""What case handling tells the apps above it, so it never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that changed what a case's outcome is: help accepted, closed (one case
# or many in one action) or reopened to correct the outcome. Keyword arguments: case_ids (a list),
# event ("accept_help", "close" or "reopen"). Feedback to partners (R20, R21) derives its messages
# here, in the same transaction, so a case is never closed without its feedback or the reverse.
outcome_changed = Signal()
