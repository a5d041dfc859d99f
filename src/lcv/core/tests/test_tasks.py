from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from lcv.core.tasks import clear_expired_sessions


@pytest.mark.django_db
def test_clear_expired_sessions_is_idempotent():
    live = SessionStore()
    live.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    assert clear_expired_sessions.call() == 1
    assert clear_expired_sessions.call() == 0
    assert Session.objects.filter(session_key=live.session_key).exists()
