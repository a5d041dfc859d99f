from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lcv.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from lcv.accounts import receivers  # noqa: F401  (connects the signal receivers)
