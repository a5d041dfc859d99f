from django.contrib.auth import views as auth_views
from django.urls import path

from lcv.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", views.password_reset_request, name="password_reset"),
    path("wachtwoord/<uidb64>/<token>/", views.password_reset, name="reset"),
    path("uitnodiging/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("tweede-factor/instellen/", views.totp_enrol, name="totp_enrol"),
    path("tweede-factor/", views.totp_verify, name="totp_verify"),
]
