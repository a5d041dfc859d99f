from django.urls import path

from lcv.notifications import views

app_name = "devmail"

urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
]
