from django.urls import path

from lcv.accounts import organisation_views as views

app_name = "organisations"

urlpatterns = [
    path("organisaties/<int:pk>/", views.organisation_detail, name="detail"),
    path("organisaties/<int:pk>/wijziging/", views.change_request_new, name="change_request_new"),
    path("beheer/wijzigingen/", views.change_request_queue, name="change_requests"),
    path("beheer/wijzigingen/<int:pk>/besluit/", views.change_request_decide, name="change_request_decide"),
]
