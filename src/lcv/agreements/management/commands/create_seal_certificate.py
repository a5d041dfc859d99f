"""`lcv create_seal_certificate`: the demo seal certificate (R6), made once; `make run` calls it."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lcv.agreements.seal_certificate import (
    can_open,
    create_self_signed_pkcs12,
    seal_certificate_path,
    write_certificate_pem,
)


class Command(BaseCommand):
    help = "Maak een zelfondertekend zegelcertificaat (demo) in LCV_SEAL_PKCS12 als het nog niet bestaat."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.LCV_SEAL_PKCS12)
        password = settings.LCV_SEAL_PASSWORD.encode() or None
        talk = options["verbosity"] > 0
        if create_self_signed_pkcs12(path, password=password):
            if talk:
                self.stdout.write(f"Created seal certificate {path}")
            return
        # An existing file is kept; it must still open, or sealing would fail later, in a task.
        if not can_open(path, password=password):
            raise CommandError(
                f"{path} does not open with LCV_SEAL_PASSWORD (or holds no key and certificate). "
                "A demo certificate may simply be removed; the next run makes a new one."
            )
        if not seal_certificate_path(path, settings.LCV_SEAL_CERTIFICATE).exists():
            write_certificate_pem(path, password=password)  # made before verification used the PEM
        if talk:
            self.stdout.write(f"Kept seal certificate {path}")
