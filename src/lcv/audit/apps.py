from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lcv.audit"
    label = "audit"
    verbose_name = "Audit"
