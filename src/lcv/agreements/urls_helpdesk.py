from django.urls import path

from lcv.agreements import helpdesk_views as views

app_name = "agreements_helpdesk"

urlpatterns = [
    path("beheer/overeenkomsten/", views.agreements, name="list"),
    path("beheer/overeenkomsten/actie/", views.act, name="act"),
    path("beheer/organisaties/<int:pk>/vertrek/", views.departure, name="departure"),
    path("beheer/sjablonen/", views.templates, name="templates"),
    path("beheer/sjablonen/<int:pk>/termijnen/", views.template_windows, name="template_windows"),
]
