"""Sending e-mail from templates. Every e-mail of the platform goes through `send_templated_mail`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
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
        # one line whatever the context holds (a header may not contain a line break)
        subject = " ".join(render_to_string(f"notifications/mail/{template}.subject.txt", context).split())
        text = render_to_string(f"notifications/mail/{template}.txt", context)
        html = render_to_string(f"notifications/mail/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def notify_new_partner(
    *, partner: Any, recipients: Iterable[tuple[Any, list[str]]], signed_by: Mapping[int, str] | None = None
) -> int:
    """FAQ 8: tell the organisations a new signal partner covers (municipalities and joint
    arrangements), in the portal and by e-mail, once (unique notice per recipient and partner).
    The caller gives each recipient organisation with its contact persons' e-mail addresses, so
    this app looks up no one; `signed_by` maps a member municipality's id to the joint
    arrangement(s) that sign for it: such a municipality gets no agreement of its own (issue 10).
    Returns the number of organisations told now."""
    from django.db import IntegrityError, transaction

    from lcv.notifications.models import Notice, NoticeKind

    told = 0
    for recipient, addresses in recipients:
        via = (signed_by or {}).get(recipient.pk, "")
        next_step = (
            f"De gemeenschappelijke regeling {via} sluit de overeenkomst met deze signaalpartner, ook voor uw "
            f"gemeente. U hoeft niets te doen."
            if via
            else "Het platform maakt de overeenkomst met deze signaalpartner voor u klaar."
        )
        text = (
            f"{partner.name} ({partner.get_sector_display().lower()}) is aangesloten bij het LCV-portaal en werkt "
            f"in uw gemeente. {next_step}"
        )
        try:
            with transaction.atomic():
                Notice.objects.create(recipient=recipient, kind=NoticeKind.NEW_PARTNER, subject=partner, text=text)
        except IntegrityError:
            continue  # told before
        if addresses:
            context = {"partner": partner, "recipient": recipient, "via": via, "link": absolute_url("/start/")}
            transaction.on_commit(partial(send_templated_mail, to=addresses, template="new_partner", context=context))
        told += 1
    return told
