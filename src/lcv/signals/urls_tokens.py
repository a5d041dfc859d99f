from django.urls import path

from lcv.signals import token_views

app_name = "signals_tokens"

urlpatterns = [
    path("aanleveringen/api-sleutels/", token_views.token_list, name="list"),
    path("aanleveringen/api-sleutels/<int:pk>/intrekken/", token_views.token_revoke, name="revoke"),
]
