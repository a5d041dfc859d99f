"""The helpdesk's audit log page: audit records the events, access to them is decided by accounts."""

from django.urls import path

from lcv.portal import audit_views as views

app_name = "audit"

urlpatterns = [path("", views.audit_log, name="log")]
