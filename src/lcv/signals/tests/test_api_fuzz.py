"""Schemathesis against the partner API through the WSGI application: valid and invalid requests,
generated from the OpenAPI document, never cause a server error; and every delivery the fuzzer got
stored is processed without an exception (a crash there would leave a delivery stuck)."""

from __future__ import annotations

import re
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from lcv.signals import tokens
from lcv.signals.api import ID_PATTERN, api
from lcv.signals.models import Delivery, DeliveryStatus
from lcv.signals.processing import process_delivery
from lcv.testing.factories import member
from lcv.wsgi import application

# Loaded at module level: schemathesis' `from_fixture` does not work with pytest 9.2 (STACK.md).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.config.generation.update(modes=list(GenerationMode), max_examples=40)


@pytest.fixture
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client switches this off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_the_test_connection):
    _token, plain = tokens.create_token(
        organisation=world["water"], actor=member(world["water"], "contact"), name="fuzz"
    )
    return plain


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_never_answers_with_a_server_error(case, bearer):
    body = case.body
    if isinstance(body, dict) and re.fullmatch(ID_PATTERN, str(body.get("aanlever_id")), flags=re.ASCII):
        body["aanlever_id"] = uuid.uuid4().hex  # a fresh id, so more generated deliveries are stored and processed
    response = case.call(app=application, headers={"Authorization": f"Bearer {bearer}"})
    case.validate_response(response, checks=[not_a_server_error])
    for delivery in Delivery.objects.filter(status=DeliveryStatus.RECEIVED):
        assert process_delivery(delivery.pk).status in (DeliveryStatus.DONE, DeliveryStatus.UNREADABLE)
