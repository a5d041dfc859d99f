from django.urls import path

from lcv.agreements import verification

app_name = "verification"

urlpatterns = [path("verificatie/", verification.verify, name="verify")]
