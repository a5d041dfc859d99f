from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lcv.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        from lcv.core import checks, tasks  # noqa: F401  (registers the deploy checks, periodic jobs)
