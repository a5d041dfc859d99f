"""Sending e-mail from templates. Every e-mail of the platform goes through `send_templated_mail`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_templated_mail(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Render notifications/mail/<template>.{subject.txt,txt,html} in Dutch and send it.

    Links in the context must be absolute (see `absolute_url`)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"notifications/mail/{template}.subject.txt", context).strip()
        text = render_to_string(f"notifications/mail/{template}.txt", context)
        html = render_to_string(f"notifications/mail/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
