"""What intake tells the apps above it, so it never imports them."""

from django.dispatch import Signal

# Sent once a delivery is processed (status done), after the transaction that finished it commits.
# Keyword argument: delivery_id. Case handling groups the admitted signals into cases (R18).
delivery_processed = Signal()
