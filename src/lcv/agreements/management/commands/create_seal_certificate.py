from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lcv.agreements.seal_certificate import create_self_signed_pkcs12


class Command(BaseCommand):
    help = "Maak een zelfondertekend zegelcertificaat (demo) als het nog niet bestaat."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.LCV_SEAL_PKCS12)
        created = create_self_signed_pkcs12(path, password=settings.LCV_SEAL_PASSWORD.encode() or None)
        self.stdout.write(f"{'Created' if created else 'Kept'} seal certificate {path}")
