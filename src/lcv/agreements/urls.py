from django.urls import path

from lcv.agreements import views

app_name = "agreements"

urlpatterns = [
    path("overeenkomsten/", views.agreement_list, name="list"),
    path("contacten/", views.directory, name="directory"),
    path("overeenkomsten/vrijgeven/", views.release, name="release"),
    path("overeenkomsten/te-ondertekenen/", views.to_sign, name="to_sign"),
    path("overeenkomsten/ondertekenen/", views.sign, name="sign"),
    path("overeenkomsten/<int:pk>/", views.agreement_detail, name="detail"),
    path("overeenkomsten/<int:pk>/document/", views.document, name="document"),
    path("overeenkomsten/<int:pk>/beeindigen/", views.end, name="end"),
    path("overeenkomsten/<int:pk>/lokaal-convenant/", views.local_covenant, name="local_covenant"),
    path(
        "overeenkomsten/<int:pk>/lokaal-convenant/besluit/", views.local_covenant_decide, name="local_covenant_decide"
    ),
    path("overeenkomsten/<int:pk>/addendum/", views.addendum_propose, name="addendum_propose"),
    path("overeenkomsten/addendum/<int:pk>/", views.addendum_file, name="addendum_file"),
    path("overeenkomsten/addendum/<int:pk>/besluit/", views.addendum_decide, name="addendum_decide"),
]
