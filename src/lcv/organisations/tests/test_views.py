import pytest
from django.urls import reverse

from lcv.testing.auth import assert_refused_for_other_organisations, login_verified
from lcv.testing.factories import member, municipality_organisation

pytestmark = pytest.mark.django_db


def test_members_see_their_organisation_with_people_and_roles(client):
    organisation = municipality_organisation("0344")
    contact = member(organisation, "contact", full_name="Anna de Vries")
    member(organisation, "signatory", full_name="Bert Jansen")
    login_verified(client, contact)
    response = client.get(reverse("organisations:detail", args=[organisation.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Gemeente Utrecht" in content
    assert "Bert Jansen" in content
    assert "Tekenbevoegde" in content


def test_organisation_page_is_refused_to_every_other_organisation():
    organisation = municipality_organisation("0344")
    member(organisation, "contact")
    assert_refused_for_other_organisations(reverse("organisations:detail", args=[organisation.pk]), organisation)


def test_anonymous_visitors_are_sent_to_login(client):
    organisation = municipality_organisation("0344")
    response = client.get(reverse("organisations:detail", args=[organisation.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
