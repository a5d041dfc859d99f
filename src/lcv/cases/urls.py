from django.urls import path

from lcv.cases import views

app_name = "cases"

urlpatterns: list = []
