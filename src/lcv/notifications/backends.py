"""Mail backend of the embedded/demo mode: keeps every message in the database so a person can
read it (and click its links) at /dev/mail/."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from lcv.notifications.models import DevMail


class DevMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for message in email_messages:
            message.message()  # validates headers exactly as a real backend would
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next((str(content) for content, mimetype in message.alternatives if mimetype == "text/html"), "")
            DevMail.objects.create(
                from_email=message.from_email,
                to=", ".join(message.to),
                subject=str(message.subject),
                body=str(message.body),
                html_body=html,
            )
            count += 1
        return count
