from django.urls import path

from lcv.registrations import views

app_name = "registrations"

urlpatterns = [
    path("aanmelden/", views.choose_kind, name="choose_kind"),
    path("aanmelden/bedankt/", views.thanks, name="thanks"),
    path("aanmelden/<slug:kind_slug>/", views.register, name="register"),
    path("beheer/aanmeldingen/", views.queue, name="queue"),
    path("beheer/aanmeldingen/<int:pk>/", views.detail, name="detail"),
    path("beheer/aanmeldingen/<int:pk>/besluit/", views.decide, name="decide"),
]
