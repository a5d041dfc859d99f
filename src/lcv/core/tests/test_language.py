import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_dutch_whatever_the_browser_asks(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "nl"
    assert "Dit veld is verplicht." in response.content.decode()


def test_the_language_switch_chooses_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response["Content-Language"] == "en"
    content = response.content.decode()
    assert "This field is required." in content  # Django's own catalogue
    assert "Forgotten your password?" in content  # ours (locale/en)
    assert "Wachtwoord vergeten?" not in content
