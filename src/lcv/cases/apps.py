from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lcv.cases"
    label = "cases"
    verbose_name = "Zaken"

    def ready(self) -> None:
        from lcv.cases import receivers

        receivers.connect()
