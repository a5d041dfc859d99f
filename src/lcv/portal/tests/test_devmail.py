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
