"""The demo mail viewer of notifications, with the demo second-factor code of accounts on its list and
a button that sends the Monday e-mail to signatories now."""

from django.urls import path

from lcv.accounts.demo import current_demo_code
from lcv.notifications import views
from lcv.portal.devmail_views import send_signing_notices_now

app_name = "devmail"

urlpatterns = [
    path("", views.mail_list, {"demo_code": current_demo_code}, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
    path("maandagmail-nu/", send_signing_notices_now, name="send_signing_notices"),
]
