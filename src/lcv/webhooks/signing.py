"""The Standard Webhooks message: body and headers (https://www.standardwebhooks.com/).

The body is rebuilt from the feedback message at every attempt (nothing of it is stored); the
signature covers the webhook-id (the message's public id), the timestamp of this attempt and the
body bytes, with HMAC-SHA256 under the endpoint's `whsec_` secret."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime
from math import floor

from standardwebhooks.webhooks import Webhook

from lcv.feedback.models import FeedbackMessage
from lcv.feedback.payloads import item

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def body(message: FeedbackMessage) -> bytes:
    document = {"type": message.event, "timestamp": message.created_at.isoformat(), "data": item(message)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers(*, secret: str, message: FeedbackMessage, payload: bytes, at: datetime) -> dict[str, str]:
    webhook_id = str(message.public_id)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=payload),
        "Content-Type": "application/json",
        "User-Agent": "LCV-portaal-webhooks/1",
    }
