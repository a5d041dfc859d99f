"""The municipal party's contact's pages for case handling (settings, mandates, letter, access log)."""

from django.urls import path  # noqa: F401

app_name = "case_settings"

urlpatterns: list = []
