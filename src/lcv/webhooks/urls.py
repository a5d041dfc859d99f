from django.urls import path

from lcv.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("aanleveringen/webhooks/", views.endpoint_list, name="list"),
    path("aanleveringen/webhooks/<int:pk>/", views.endpoint_log, name="log"),
    path("aanleveringen/webhooks/<int:pk>/aan-uit/", views.endpoint_toggle, name="toggle"),
    path("aanleveringen/webhooks/<int:pk>/verwijderen/", views.endpoint_remove, name="remove"),
    path("aanleveringen/webhooks/berichten/<int:pk>/opnieuw/", views.delivery_replay, name="replay"),
]
