"""The municipal party's contact's pages for case handling (settings, trays, mandates, letter), the
access log, and the letter of a case."""

from django.urls import path

from lcv.cases import views_access, views_settings

app_name = "case_settings"

urlpatterns = [
    path("instellingen/", views_settings.overview, name="overview"),
    path("instellingen/prioriteit/", views_settings.weights, name="weights"),
    path("instellingen/werkbakken/", views_settings.trays, name="trays"),
    path("instellingen/werkbakken/nieuw/", views_settings.tray_edit, name="tray_new"),
    path("instellingen/werkbakken/<int:pk>/", views_settings.tray_edit, name="tray_edit"),
    path("instellingen/werkbakken/<int:pk>/verwijderen/", views_settings.tray_delete, name="tray_delete"),
    path("instellingen/werkbakken/<int:pk>/verplaatsen/", views_settings.tray_move, name="tray_move"),
    path("instellingen/regels/nieuw/", views_settings.rule_edit, name="rule_new"),
    path("instellingen/regels/<int:pk>/", views_settings.rule_edit, name="rule_edit"),
    path("instellingen/regels/<int:pk>/verwijderen/", views_settings.rule_delete, name="rule_delete"),
    path("instellingen/regels/<int:pk>/verplaatsen/", views_settings.rule_move, name="rule_move"),
    path("instellingen/mandaten/", views_settings.mandate_list, name="mandates"),
    path("instellingen/mandaten/<int:pk>/beeindigen/", views_settings.mandate_end, name="mandate_end"),
    path("instellingen/brief/", views_settings.letter_template, name="letter_template"),
    path("toegangslog/", views_access.access_log, name="access_log"),
    path("<int:pk>/brief/", views_access.case_letter, name="letter"),
]
