from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "lcv.signals"
    label = "signals"
    verbose_name = "Signalen"

    def ready(self) -> None:
        from lcv.accounts.policy import register_owner
        from lcv.signals import tasks  # noqa: F401  (registers the periodic jobs)
        from lcv.signals.models import ApiToken, Delivery

        register_owner(Delivery, lambda delivery: [delivery.organisation])
        register_owner(ApiToken, lambda token: [token.organisation])
