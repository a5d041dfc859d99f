from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lcv.feedback"
    label = "feedback"
    verbose_name = "Terugkoppeling"

    def ready(self) -> None:
        from lcv.feedback import receivers

        receivers.connect()
