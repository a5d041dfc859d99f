from django.apps import AppConfig


class BrpConfig(AppConfig):
    name = "lcv.brp"
    label = "brp"
    verbose_name = "BRP"
