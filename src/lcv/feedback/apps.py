from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lcv.feedback"
    label = "feedback"
    verbose_name = "Terugkoppeling"

    def ready(self) -> None:
        from lcv.feedback import receivers
        from lcv.feedback.api import router
        from lcv.signals.api import api

        receivers.connect()
        api.add_router("", router)
