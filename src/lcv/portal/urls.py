from django.urls import path

from lcv.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.home, name="home"),
]
