from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lcv.agreements"
    label = "agreements"
    verbose_name = "Overeenkomsten"

    def ready(self) -> None:
        from lcv.agreements import tasks  # noqa: F401  (registers the periodic jobs)
