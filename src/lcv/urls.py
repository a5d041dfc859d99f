from django.contrib import admin
from django.urls import include, path

from lcv.signals.api import api

urlpatterns = [
    path("", include("lcv.core.urls")),
    path("", include("lcv.portal.urls")),
    path("account/", include("lcv.accounts.urls")),
    path("", include("lcv.registrations.urls")),
    path("", include("lcv.accounts.organisation_urls")),
    path("", include("lcv.accounts.people_urls")),
    path("", include("lcv.agreements.urls")),
    path("", include("lcv.agreements.urls_public")),
    path("", include("lcv.agreements.urls_helpdesk")),
    path("", include("lcv.signals.urls")),
    path("", include("lcv.signals.urls_tokens")),
    path("", include("lcv.webhooks.urls")),
    path("zaken/", include("lcv.cases.urls")),
    path("zaken/", include("lcv.cases.urls_settings")),
    path("", include("lcv.debthelp.urls")),
    path("", include("lcv.feedback.urls")),
    path("api/v1/", api.urls),
    path("beheer/audit/", include("lcv.portal.urls_audit")),
    path("dev/mail/", include("lcv.portal.urls_devmail")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-beheer/", admin.site.urls),
]
