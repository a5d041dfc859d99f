"""What feedback tells the apps above it (webhooks), so it never imports them."""

from django.dispatch import Signal

# Sent after the transaction that wrote feedback messages commits. Keyword argument: partner_ids
# (the partners that got at least one new message).
messages_written = Signal()
