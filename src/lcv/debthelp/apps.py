from django.apps import AppConfig


class DebtHelpConfig(AppConfig):
    name = "lcv.debthelp"
    label = "debthelp"
    verbose_name = "Schuldhulpverlening"

    def ready(self) -> None:
        from lcv.accounts.policy import register_owner
        from lcv.debthelp.models import DebtHelpList

        register_owner(DebtHelpList, lambda debt_help_list: [debt_help_list.party])
