from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "lcv.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from lcv.accounts.policy import register_owner
        from lcv.feedback.hooks import messages_written
        from lcv.webhooks import receivers, tasks  # noqa: F401  (registers the periodic job)
        from lcv.webhooks.models import WebhookDelivery, WebhookEndpoint

        register_owner(WebhookEndpoint, lambda endpoint: [endpoint.organisation])
        register_owner(WebhookDelivery, lambda delivery: [delivery.endpoint.organisation])
        messages_written.connect(receivers.on_messages_written, dispatch_uid="webhooks.messages_written")
