from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: pages and commands that compose the domain apps (start page, demo data)."""

    name = "lcv.portal"
    label = "portal"
    verbose_name = "Portaal"
