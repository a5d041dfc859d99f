"""Hooks that the domain-free core offers the apps above it, so core never imports them."""

from django.dispatch import Signal

# Sent once by `lcv worker` before it takes tasks (sender: None). An app whose tasks need something
# only the worker process may have (agreements: the seal's private key) connects here.
worker_starting = Signal()
