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

        from lcv.accounts.people import MADE_BY_PROVIDERS, person_deactivated
        from lcv.signals import tokens

        MADE_BY_PROVIDERS.append(tokens.labels_of_tokens_made_by)
        person_deactivated.connect(tokens.on_person_deactivated, dispatch_uid="signals.revoke_tokens_of_deactivated")

        from lcv.organisations.services import role_removed

        role_removed.connect(tokens.on_role_removed, dispatch_uid="signals.revoke_tokens_of_former_contact")
