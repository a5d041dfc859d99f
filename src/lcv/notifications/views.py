"""The demo mail viewer. It exists only in demo mode: elsewhere every URL here is a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lcv.notifications.models import DevMail


def demo_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LCV_DEMO:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@demo_only
def mail_list(request: HttpRequest, demo_code: Callable[[], str | None] | None = None) -> HttpResponse:
    """`demo_code` gives the current second-factor code of the demo accounts; the URLconf of the
    portal passes it, so this app needs to know nothing of accounts."""
    mails = DevMail.objects.all()[:200]
    return render(
        request, "notifications/dev_mail_list.html", {"mails": mails, "demo_code": demo_code() if demo_code else None}
    )


@demo_only
def mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(DevMail, pk=pk)
    return render(request, "notifications/dev_mail_detail.html", {"mail": mail})
