"""The demo mail viewer of notifications, with the demo second-factor code of accounts on its list."""

from django.urls import path

from lcv.accounts.demo import current_demo_code
from lcv.notifications import views

app_name = "devmail"

urlpatterns = [
    path("", views.mail_list, {"demo_code": current_demo_code}, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
]
