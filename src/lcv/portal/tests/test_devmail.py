import pytest
from django.urls import reverse

from lcv.accounts.demo import current_demo_code


@pytest.mark.django_db
def test_the_demo_mail_list_shows_the_demo_second_factor_code(client, settings):
    settings.LCV_DEMO = True
    content = client.get(reverse("devmail:list")).content.decode()
    assert 'data-testid="demo-code"' in content
    assert current_demo_code() in content


@pytest.mark.django_db
def test_the_demo_mail_list_is_gone_outside_demo_mode(client, settings):
    settings.LCV_DEMO = False
    assert client.get(reverse("devmail:list")).status_code == 404


@pytest.fixture
def released_for_signing(settings):
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement
    from lcv.agreements.services import release_agreements
    from lcv.organisations.models import Sector
    from lcv.testing.factories import make_organisation, member, municipality_organisation

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    utrecht = municipality_organisation("0344")
    make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    generate_agreements()
    member(utrecht, "signatory", email="tekenbevoegde@utrecht.example")
    ids = list(Agreement.objects.values_list("id", flat=True))
    release_agreements(agreement_ids=ids, municipal_party=utrecht, actor=member(utrecht, "contact"))


@pytest.mark.django_db
def test_the_demo_sends_the_monday_mail_now_from_the_mail_viewer(
    client, settings, released_for_signing, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.LCV_DEMO = True
    url = reverse("devmail:send_signing_notices")
    page = client.get(reverse("devmail:list")).content.decode()
    assert f'action="{url}"' in page
    assert client.get(url).status_code == 405  # a button, never a link
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    text = response.content.decode()
    assert "1 e-mail aan een tekenbevoegde verstuurd" in text
    assert [message.to for message in mail.outbox] == [["tekenbevoegde@utrecht.example"]]
    again = client.post(url, follow=True).content.decode()  # as the job itself: nothing twice
    assert "Geen nieuwe e-mails" in again
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sending_the_monday_mail_now_is_gone_outside_demo_mode(client, settings, released_for_signing):
    from django.core import mail

    settings.LCV_DEMO = False
    assert client.post(reverse("devmail:send_signing_notices")).status_code == 404
    assert not mail.outbox
