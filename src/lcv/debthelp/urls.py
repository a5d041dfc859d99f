from django.urls import path

from lcv.debthelp import views

app_name = "debthelp"

urlpatterns = [
    path("schuldhulp/", views.debt_help, name="index"),
]
