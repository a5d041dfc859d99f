"""Logging in through the real login form: the home page of each role, the second factor,
throttling of wrong passwords, logging out."""

from __future__ import annotations

import base64
import time

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lcv.testing.factories import TEST_PASSWORD, confirmed_device, make_organisation, member

pytestmark = pytest.mark.browser

# role -> heading of its block on the home page (portal/home.html)
ROLE_BLOCKS = {
    "contact": "Overeenkomsten",
    "signatory": "Te ondertekenen",
    "handler": "Signalen",
    "deliverer": "Aanleveringen",
    "analyst": "Monitor",
    "helpdesk": "Helpdesk",
}


def assert_home_shows_only_block_of(site, role: str) -> None:
    assert site.path() == "/start/"
    page = site.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Rosa")
    for other_role, heading in ROLE_BLOCKS.items():
        block = page.get_by_role("heading", name=heading, level=2, exact=True)
        if other_role == role:
            expect(block).to_be_visible()
        else:
            expect(block).to_have_count(0)


def test_contact_logs_in_with_email_password_and_second_factor(site):
    organisation = make_organisation(name="Waterbedrijf Noord")
    member(organisation, "contact", email="contact@voorbeeld.nl", full_name="Carla Contact")

    site.log_in("Contact@Voorbeeld.nl", TEST_PASSWORD)  # enrols the authenticator app at first login

    assert TOTPDevice.objects.get(user__email="contact@voorbeeld.nl").confirmed
    assert site.path() == "/start/"
    page = site.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Carla")
    expect(page.get_by_role("main")).to_contain_text(
        "U werkt voor Waterbedrijf Noord (Signaalpartner) als contactpersoon vroegsignalering."
    )
    block = page.get_by_role("region", name="Overeenkomsten")
    expect(block.get_by_role("heading", name="Overeenkomsten", level=2)).to_be_visible()
    expect(block).to_contain_text("Nog geen overeenkomsten.")


def test_wrong_password_is_refused_in_dutch(site):
    member(make_organisation(), "contact", email="contact@voorbeeld.nl")

    response = site.log_in("contact@voorbeeld.nl", "niet-het-goede-wachtwoord")

    assert response.status == 200
    assert site.path() == "/account/inloggen/"
    expect(site.page.get_by_role("alert")).to_contain_text("Het e-mailadres of het wachtwoord klopt niet.")


@pytest.mark.parametrize("role", sorted(ROLE_BLOCKS))
def test_every_role_enrols_a_second_factor_then_enters_codes(site, totp_code, role):
    user = member(make_organisation(), role, email=f"{role}@voorbeeld.nl", full_name="Rosa de Rol")
    page = site.page

    # First login: the password alone is not enough; the person enrols an authenticator app.
    site.log_in(f"{role}@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/instellen/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede factor instellen")
    expect(
        page.get_by_role("img", name="QR-code om het LCV-portaal aan uw authenticator-app toe te voegen")
    ).to_be_visible()
    # every other page stays closed until the second factor is passed
    site.visit("/start/")
    assert site.path() == "/account/tweede-factor/instellen/"
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(secret))
    site.click(page.get_by_role("button", name="Bevestigen"))
    expect(page.get_by_role("status")).to_contain_text("Uw tweede factor is ingesteld.")
    assert_home_shows_only_block_of(site, role)
    assert TOTPDevice.objects.get(user=user).confirmed

    site.log_out()
    assert site.path() == "/account/inloggen/"

    # Second login, in a later 30-second period (a code is accepted only once): asks for the code.
    with time_machine.travel(time.time() + 31, tick=True):
        site.log_in(f"{role}@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
        assert site.path() == "/account/tweede-factor/"
        expect(page.get_by_role("heading", level=1)).to_have_text("Code uit uw authenticator-app")
        site.visit("/start/")
        assert site.path() == "/account/tweede-factor/"
        page.get_by_label("Code uit uw authenticator-app").fill(totp_code(secret))
        site.click(page.get_by_role("main").get_by_role("button", name="Inloggen"))
        assert_home_shows_only_block_of(site, role)


def test_a_wrong_second_factor_code_is_refused(site, totp_code):
    user = member(make_organisation(), "handler", email="handler@voorbeeld.nl")
    device = confirmed_device(user)
    right = totp_code(base64.b32encode(device.bin_key).decode())
    wrong = "000000" if right != "000000" else "111111"
    site.log_in("handler@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/"

    site.page.get_by_label("Code uit uw authenticator-app").fill(wrong)
    response = site.click(site.page.get_by_role("main").get_by_role("button", name="Inloggen"))

    assert response.status == 200
    assert site.path() == "/account/tweede-factor/"
    expect(site.page.get_by_role("main")).to_contain_text("Deze code klopt niet of is verlopen.")
    site.visit("/start/")
    assert site.path() == "/account/tweede-factor/"


def test_five_wrong_passwords_lock_the_account(site):
    member(make_organisation(), "contact", email="contact@voorbeeld.nl")
    member(make_organisation(), "contact", email="collega@voorbeeld.nl", full_name="Rosa Collega")
    page = site.page

    site.visit("/account/inloggen/")
    for attempt in range(1, 5):
        response = site.submit_login("contact@voorbeeld.nl", f"fout-wachtwoord-{attempt}")
        assert response.status == 200
        expect(page.get_by_role("alert")).to_contain_text("Het e-mailadres of het wachtwoord klopt niet.")
    # the fifth failure reaches the limit (AXES_FAILURE_LIMIT = 5): the account is locked at once
    response = site.submit_login("contact@voorbeeld.nl", "fout-wachtwoord-5")
    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Te veel mislukte pogingen")

    # the sixth attempt is refused too, even with the right password
    site.visit("/account/inloggen/")
    response = site.submit_login("Contact@Voorbeeld.nl", TEST_PASSWORD)

    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Te veel mislukte pogingen")
    expect(page.get_by_role("alert")).to_contain_text("Inloggen is daarom 15 minuten geblokkeerd.")
    expect(page.get_by_role("link", name="Vraag een nieuw wachtwoord aan")).to_have_attribute(
        "href", "/account/wachtwoord-vergeten/"
    )
    site.visit("/start/")
    assert site.path() == "/account/inloggen/?next=/start/"

    # the lock is per account: a colleague on the same computer still gets past the password
    site.submit_login("collega@voorbeeld.nl", TEST_PASSWORD)
    assert site.path() == "/account/tweede-factor/instellen/"


def test_log_out_with_the_button_in_the_header(site):
    member(make_organisation(), "contact", email="contact@voorbeeld.nl")
    site.log_in("contact@voorbeeld.nl", TEST_PASSWORD)
    assert site.path() == "/start/"

    site.log_out()

    assert site.path() == "/account/inloggen/"
    header = site.page.get_by_role("banner")
    expect(header.get_by_role("button", name="Uitloggen")).to_have_count(0)
    expect(header.get_by_role("link", name="Inloggen")).to_be_visible()
    site.visit("/start/")
    assert site.path() == "/account/inloggen/?next=/start/"
