from typing import Any

from django.core.management.base import BaseCommand

from lcv.config import env


class Command(BaseCommand):
    help = "Print the configuration variables as a Markdown table (as in README.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(env.markdown_table())
