"""Fixtures for the BRP tests: the real test service over HTTP and a client for it."""

from __future__ import annotations

import pytest

from lcv.brp.client import BrpClient
from lcv.brp.services import QueryContext
from lcv.brp.testservice import start_test_service

API_KEY = "test-brp-key"


@pytest.fixture(scope="session")
def brp_service():
    with start_test_service(api_key=API_KEY) as service:
        yield service


class Recorded(list):
    def __call__(self, **record):
        self.append(record)


@pytest.fixture
def recorded():
    return Recorded()


@pytest.fixture
def client(brp_service, recorded):
    """A client that records into a list (the DB record is tested on its own)."""
    return BrpClient(brp_service.base_url, api_key=API_KEY, timeout=5, recorder=recorded)


@pytest.fixture
def context():
    return QueryContext(job="brp_check", reference="zaak 17")
