from django.urls import path

from lcv.accounts import people_views as views

app_name = "people"

urlpatterns = [
    path("organisatie/mensen/", views.people_list, name="list"),
    path("organisatie/mensen/<int:pk>/", views.person, name="person"),
    path("beheer/mensen/", views.helpdesk_list, name="helpdesk_list"),
    path("beheer/mensen/<int:pk>/", views.helpdesk_person, name="helpdesk_person"),
    path("account/mijn-gegevens/", views.own_settings, name="settings"),
]
