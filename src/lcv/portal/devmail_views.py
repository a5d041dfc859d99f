"""Demo only: send the Monday e-mail to signatories now, so a tester sees it on any day."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from lcv.agreements.tasks import send_signing_notices_task
from lcv.notifications.views import demo_only


@demo_only
@require_POST
def send_signing_notices_now(request: HttpRequest) -> HttpResponse:
    """Runs the scheduled Monday job (R4) at once, in this request; it sends only what it has not
    sent before, as on a Monday."""
    sent = send_signing_notices_task.call()
    if sent:
        messages.success(
            request,
            ngettext(
                "%(count)d e-mail aan een tekenbevoegde verstuurd. U ziet hem hieronder.",
                "%(count)d e-mails aan tekenbevoegden verstuurd. U ziet ze hieronder.",
                sent,
            )
            % {"count": sent},
        )
    else:
        messages.info(
            request,
            gettext(
                "Geen nieuwe e-mails: over alle vrijgegeven overeenkomsten hebben de tekenbevoegden al een "
                "e-mail gekregen. Geef eerst nieuwe overeenkomsten vrij (als contactpersoon van een gemeente)."
            ),
        )
    return redirect("devmail:list")
