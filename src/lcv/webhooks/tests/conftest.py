from __future__ import annotations

from datetime import date

import pytest

from lcv.cases import services as cases
from lcv.cases.outcomes import ContactKind
from lcv.cases.tests.conftest import chain, delivery_day  # noqa: F401  (the chain of partners of case handling)
from lcv.testing.factories import member
from lcv.testing.webhooks import webhook_receiver
from lcv.webhooks import services

ON = date(2026, 3, 22)


@pytest.fixture
def receiver(webhook_loopback):
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def water_endpoint(chain, receiver):  # noqa: F811
    """Water Midden's contact registered the local receiver; the receiver knows the secret."""
    contact = member(chain.water, "contact", email="contact@water.nl")
    endpoint, secret = services.register_endpoint(organisation=chain.water, actor=contact, url=receiver.url)
    receiver.secret = secret
    return endpoint


@pytest.fixture
def help_accepted(chain, django_capture_on_commit_callbacks):  # noqa: F811
    """Deliver a water signal to Utrecht, reach the resident, record "hulp geaccepteerd": the
    feedback message is written and, after the commit, its webhook deliveries."""

    def accept(klantnummer: str = "W-1"):
        chain.deliver(chain.water, [chain.signal(chain.water, klantnummer=klantnummer)])
        case = chain.open_case()
        cases.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=ON)
        with django_capture_on_commit_callbacks(execute=True):
            cases.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
        return case

    return accept
