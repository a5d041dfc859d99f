from django.urls import path

from lcv.core import views

app_name = "core"

urlpatterns = [
    path("gezond/", views.health, name="health"),
]
