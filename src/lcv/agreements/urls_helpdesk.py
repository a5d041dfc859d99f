from django.urls import path

from lcv.agreements import helpdesk_views as views

app_name = "agreements_helpdesk"

urlpatterns = [
    path("beheer/overeenkomsten/", views.agreements, name="list"),
    path("beheer/overeenkomsten/actie/", views.act, name="act"),
    path("beheer/organisaties/<int:pk>/vertrek/", views.departure, name="departure"),
    path("beheer/organisaties/<int:pk>/signaleringssysteem/", views.signal_system, name="signal_system"),
    path("beheer/organisaties/<int:pk>/uitvoerder/", views.cosigning_executor, name="cosigning_executor"),
    path("beheer/sjablonen/", views.templates, name="templates"),
    path("beheer/lokale-convenanten/", views.local_covenants_list, name="local_covenants"),
    path("beheer/lokale-convenanten/<int:pk>/ongedaan/", views.local_covenant_undo, name="local_covenant_undo"),
    path("beheer/sjablonen/<int:pk>/termijnen/", views.template_windows, name="template_windows"),
]
