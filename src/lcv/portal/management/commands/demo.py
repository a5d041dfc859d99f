"""`lcv demo`: demo organisations and people, agreements (some active) and a processed delivery of
signals, created once (running it again changes nothing)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lcv.portal.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Maak de demo-organisaties en -personen aan (alleen in demomodus; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LCV_DEMO:
            raise CommandError("lcv demo runs only in demo mode (LCV_DEMO=true); it would add known passwords.")
        data = load_demo_data()
        from lcv.accounts.demo import demo_secret_base32

        self.stdout.write(f"Demo data: {data.created} new people ({len(data.logins)} in all).")
        self.stdout.write(f"  {data.agreements} agreements, {data.active} active (sealed by the worker once it runs).")
        if data.delivery is not None:
            delivery = data.delivery
            self.stdout.write(
                f"  A demo delivery of {delivery.organisation.name}: {delivery.accepted} signals accepted, "
                f"{delivery.rejected} rows refused."
            )
        self.stdout.write(f"  Gemeente Utrecht has {data.cases} cases in every state (handler: zie de werkbakken).")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for organisation, email, roles in data.logins:
            self.stdout.write(f"  {email:<46} {roles:<32} {organisation}")
        self.stdout.write("")
        self.stdout.write("Second factor for every demo account, signatories included (demo only):")
        self.stdout.write(f"  the current code is shown at {settings.SITE_URL}/dev/mail/ and by `lcv demo_code`;")
        self.stdout.write(f"  or add this secret to an authenticator app: {demo_secret_base32()}")
