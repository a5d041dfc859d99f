from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "lcv.registrations"
    label = "registrations"
    verbose_name = "Aanmeldingen"
