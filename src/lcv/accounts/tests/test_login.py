from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.audit.models import AuditEvent
from lcv.testing.auth import login_verified
from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member

pytestmark = pytest.mark.django_db


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_production_hashes_passwords_with_argon2(settings):
    from lcv import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # undo the fast test hasher
    user = member(make_organisation(), "contact")
    user.set_password("een-lang-wachtwoord-9")
    assert user.password.startswith("argon2$")


def test_contact_logs_in_with_email_password_and_the_second_factor(client):
    user = member(make_organisation(), "contact", email="contact@voorbeeld.nl")
    device = confirmed_device(user)
    response = login(client, "Contact@Voorbeeld.nl")
    assert response.status_code == 302
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:totp_verify")
    client.post(reverse("accounts:totp_verify"), {"code": current_code(device)})
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert "Nog geen overeenkomsten" in home.content.decode()
    assert AuditEvent.objects.filter(action="account.logged_in", actor=user).exists()


def test_wrong_password_gets_a_dutch_message(client):
    member(make_organisation(), "contact", email="contact@voorbeeld.nl")
    response = login(client, "contact@voorbeeld.nl", "fout")
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet" in response.content.decode()


@pytest.mark.parametrize("role", ["contact", "signatory", "handler", "deliverer", "analyst", "helpdesk"])
def test_every_role_enrols_a_second_factor_at_first_login(client, role):
    user = member(make_organisation(), role)
    login(client, user.email)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_enrol")
    # every other page is closed until the second factor is passed
    assert client.get(reverse("organisations:detail", args=[user.membership.organisation_id])).status_code == 302
    page = client.get(reverse("accounts:totp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        wrong_code = "000000" if current_code(device) != "000000" else "111111"
        wrong = client.post(reverse("accounts:totp_enrol"), {"code": wrong_code})
        assert wrong.status_code == 200
        assert "Deze code klopt niet" in wrong.content.decode()
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed
        # django-otp throttles after a failure; the person is told to wait
        throttled = client.post(reverse("accounts:totp_enrol"), {"code": current_code(device)})
        assert "Wacht" in throttled.content.decode()
        traveller.shift(5)
        done = client.post(reverse("accounts:totp_enrol"), {"code": current_code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("portal:home")).status_code == 200


def test_enrolled_person_must_enter_a_code_after_the_password(client):
    user = member(make_organisation(), "handler")
    device = confirmed_device(user)
    login(client, user.email)
    response = client.get(reverse("portal:home"))
    assert response["Location"] == reverse("accounts:totp_verify")
    bad = client.post(reverse("accounts:totp_verify"), {"code": "12ab56"})
    assert "De code bestaat uit 6 cijfers" in bad.content.decode()
    ok = client.post(reverse("accounts:totp_verify"), {"code": current_code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_staff_without_superuser_need_the_second_factor_for_the_django_admin(client):
    user = member(make_organisation(), "contact")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    login(client, user.email)
    response = client.get("/django-beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:totp_enrol"))


def test_the_page_asked_for_is_kept_through_the_second_factor_but_only_our_own(client):
    user = member(make_organisation(), "signatory")
    device = confirmed_device(user)
    login(client, user.email)
    wanted = reverse("agreements:to_sign")
    response = client.get(wanted)
    assert response["Location"] == reverse("accounts:totp_verify") + "?next=%2Fovereenkomsten%2Fte-ondertekenen%2F"
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        done = client.post(response["Location"], {"code": current_code(device)})
        assert done["Location"] == wanted
        client.logout()
        login(client, user.email)
        traveller.shift(30)
        elsewhere = client.post(
            reverse("accounts:totp_verify") + "?next=https://evil.example/", {"code": current_code(device)}
        )
    assert elsewhere["Location"] == reverse("portal:home")


def test_a_person_without_organisation_also_needs_the_second_factor(client):
    from lcv.testing.factories import make_user

    client.force_login(make_user())
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:totp_enrol")


def test_repeated_failed_logins_are_throttled_with_a_clear_message(client):
    user = member(make_organisation(), "contact")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "verkeerd-wachtwoord")
    response = login(client, user.email, TEST_PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()
    assert client.get(reverse("portal:home")).status_code == 302


def test_person_without_organisation_is_told_what_to_do(client):
    from lcv.testing.factories import make_user

    user = make_user()
    login_verified(client, user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 403
    assert "helpdesk" in response.content.decode()


def test_helpdesk_can_reset_a_lost_second_factor(client):
    from django.core.management import call_command

    user = member(make_organisation(), "handler")
    confirmed_device(user)
    call_command("reset_second_factor", user.email.upper(), stdout=None)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="account.second_factor_reset", object_id=str(user.pk)).exists()
    login(client, user.email)
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:totp_enrol")


def test_behind_the_proxy_lockout_keys_on_the_real_client_address_and_the_account(settings):
    """Behind the TLS proxy every request comes from the proxy's address; five wrong passwords
    from an attacker must not lock the real user out everywhere."""
    from django.test import Client

    settings.BEHIND_TLS_PROXY = True
    user = member(make_organisation(), "contact")

    def from_address(address: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)  # 10.0.0.2: the proxy

    attacker = from_address("203.0.113.5")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(attacker, user.email, "verkeerd-wachtwoord")
    assert login(attacker, user.email).status_code == 429
    assert login(from_address("198.51.100.7"), user.email).status_code == 302  # the real user is let in


@pytest.mark.parametrize("wanted", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "javascript:x"])
def test_enrolment_goes_on_only_to_a_path_of_our_own(client, wanted):
    user = member(make_organisation(), "handler")
    client.force_login(user)
    url = reverse("accounts:totp_enrol") + "?" + urlencode({"next": wanted})
    client.get(url)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(url, {"code": current_code(device)})
    assert response["Location"] == reverse("portal:home")


def test_enrolment_explains_the_second_factor_by_the_persons_roles(client):
    organisation = make_organisation()
    client.force_login(member(organisation, "signatory"))
    page = client.get(reverse("accounts:totp_enrol")).content.decode()
    assert "U tekent overeenkomsten namens uw organisatie. Daarom" in page
    client.force_login(member(organisation, "handler", "deliverer"))
    page = client.get(reverse("accounts:totp_enrol")).content.decode()
    assert "U levert signalen met persoonsgegevens aan en behandelt signalen" in page


def test_a_code_used_twice_within_its_half_minute_says_so(client):
    user = member(make_organisation(), "handler")
    device = confirmed_device(user)
    with time_machine.travel(timezone.now(), tick=False):
        login(client, user.email)
        code = current_code(device)
        assert client.post(reverse("accounts:totp_verify"), {"code": code}).status_code == 302
        client.logout()
        login(client, user.email)
        again = client.post(reverse("accounts:totp_verify"), {"code": code}).content.decode()
        assert "Deze code is net al gebruikt. Wacht op de volgende code (binnen 30 seconden)." in again


def test_the_login_page_says_what_the_portal_is_for_an_anonymous_visitor(client):
    page = client.get(reverse("accounts:login")).content.decode()
    intro = page[page.index('data-testid="login-intro"') :]
    assert "Wat is het LCV-portaal?" in intro
    assert "signaalpartners" in intro
    assert 'href="/aanmelden/"' in intro
    assert 'href="/verificatie/"' in intro
