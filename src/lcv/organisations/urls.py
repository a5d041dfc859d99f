from django.urls import path

from lcv.organisations import views

app_name = "organisations"

urlpatterns = [
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
