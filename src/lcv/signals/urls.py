from django.urls import path

from lcv.signals import views

app_name = "signals"

urlpatterns = [
    path("aanleveringen/", views.deliveries, name="deliveries"),
    path("aanleveringen/uploaden/", views.upload, name="upload"),
    path("aanleveringen/signaal/", views.single_signal, name="single_signal"),
    path("aanleveringen/per-gemeente/", views.per_municipality, name="per_municipality"),
    path("aanleveringen/sjabloon.csv", views.template_file, {"file_format": "csv"}, name="template_csv"),
    path("aanleveringen/sjabloon.xlsx", views.template_file, {"file_format": "xlsx"}, name="template_xlsx"),
    path("aanleveringen/<int:pk>/", views.delivery, name="delivery"),
    path("aanleveringen/<int:pk>/voortgang/", views.progress, name="progress"),
    path("aanleveringen/<int:pk>/fouten.csv", views.error_report, name="error_report"),
]
