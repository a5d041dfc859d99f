from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "lcv.organisations"
    label = "organisations"
    verbose_name = "Organisaties"
