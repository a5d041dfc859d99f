from django.urls import path

from lcv.core import views

app_name = "core"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.home, name="home"),
    path("gezond/", views.health, name="health"),
]
