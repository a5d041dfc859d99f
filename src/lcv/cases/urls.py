from django.urls import path

from lcv.cases import views, views_brp

app_name = "cases"

urlpatterns = [
    path("", views.work, name="work"),
    path("brp/", views.mismatches, name="mismatches"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/persoon/<int:person_pk>/", views.person, name="person"),
    path("<int:pk>/persoon/<int:person_pk>/brp/", views_brp.lookup, name="brp_lookup"),
    path("<int:pk>/persoon/<int:person_pk>/beoordelen/", views_brp.resolve, name="brp_resolve"),
    path("<int:pk>/toewijzen/", views.assign, name="assign"),
    path("<int:pk>/contactpoging/", views.attempt, name="attempt"),
    path("<int:pk>/notitie/", views.note, name="note"),
    path("<int:pk>/bedreigend/", views.threatening, name="threatening"),
    path("<int:pk>/hulp-geaccepteerd/", views.accept_help, name="accept_help"),
    path("<int:pk>/afsluiten/", views.close, name="close"),
    path("<int:pk>/heropenen/", views.reopen, name="reopen"),
]
