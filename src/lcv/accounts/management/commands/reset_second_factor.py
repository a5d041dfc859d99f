from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lcv.accounts.models import User
from lcv.accounts.services import reset_second_factor


class Command(BaseCommand):
    help = (
        "Verwijder de tweede factor van een persoon (telefoon kwijt); bij de volgende login stelt die hem opnieuw in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError("No person with that e-mail address.")
        removed = reset_second_factor(user=user)
        self.stdout.write(f"Removed {removed} device(s); the person enrols again at the next login.")
