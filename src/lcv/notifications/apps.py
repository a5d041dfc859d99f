from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lcv.notifications"
    label = "notifications"
    verbose_name = "Berichten"
