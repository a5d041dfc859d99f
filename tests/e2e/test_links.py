"""E-mailed links: a password reset through a real SMTP server, an invitation read in the demo
mail viewer. Each link works once and for a limited time."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest
import time_machine
from playwright.sync_api import expect

from lcv.accounts.models import User
from lcv.accounts.services import invite_person
from lcv.notifications.models import DevMail
from lcv.organisations.models import Role
from lcv.testing.browser import run_queued_tasks
from lcv.testing.factories import TEST_PASSWORD, make_organisation, member

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lange-zin-van-zeven-woorden"


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no text/plain part"
    return str(part.get_content())


def link_in(text: str, path: str) -> str:
    match = re.search(rf"http://\S+{re.escape(path)}\S+/", text)
    assert match, f"no link to {path} in:\n{text}"
    return match.group(0)


def request_reset(site, email_address: str) -> None:
    site.visit("/account/inloggen/")
    site.click(site.page.get_by_role("link", name="Wachtwoord vergeten?"))
    assert site.path() == "/account/wachtwoord-vergeten/"
    site.page.get_by_label("E-mailadres").fill(email_address)
    site.click(site.page.get_by_role("button", name="Stuur mij een link"))
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Controleer uw e-mail")
    run_queued_tasks()  # the worker sends the mail (the answer never waits for the mail server)


def reset_link_from(smtp_sink, email_address: str) -> str:
    assert len(smtp_sink.messages) == 1, [m["Subject"] for m in smtp_sink.messages]
    message = smtp_sink.messages[0]
    assert message["To"] == email_address
    assert message["Subject"] == "Nieuw wachtwoord voor het LCV-portaal"
    return link_in(text_body(message), "/account/wachtwoord/")


def assert_link_refused(site, response, reason: str) -> None:
    assert response.status == 410
    page = site.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    expect(page.get_by_role("alert")).to_contain_text(reason)
    new_link = page.get_by_role("link", name="Nieuwe link aanvragen")
    expect(new_link).to_have_attribute("href", "/account/wachtwoord-vergeten/")


def test_password_reset_through_smtp_works_once(site, smtp_sink):
    user = member(make_organisation(), "contact", email="contact@voorbeeld.nl", full_name="Carla Contact")
    page = site.page

    request_reset(site, "contact@voorbeeld.nl")
    link = reset_link_from(smtp_sink, "contact@voorbeeld.nl")
    assert link.startswith(f"{site.base_url}/account/wachtwoord/")

    response = site.visit(link)
    assert response.status == 200
    # the token left the address bar for the session (no leak through the Referer header)
    assert re.fullmatch(r"/account/wachtwoord/[^/]+/instellen/", site.path())
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw wachtwoord instellen")
    expect(page.get_by_role("main")).to_contain_text("Kies een wachtwoord voor contact@voorbeeld.nl.")

    # a too short password is refused, with the reason next to the field
    site.set_password("kort-1")
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet verstuurd.")
    expect(page.get_by_role("main")).to_contain_text("Dit wachtwoord is te kort: gebruik minstens 12 tekens.")
    # and so is a common one
    site.set_password("password1234")
    expect(page.get_by_role("main")).to_contain_text("Dit wachtwoord is te algemeen.")

    # and two different ones
    site.set_password(NEW_PASSWORD, repeat=f"{NEW_PASSWORD}-anders")
    expect(page.get_by_role("main")).to_contain_text("De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw.")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)

    site.set_password(NEW_PASSWORD)
    assert site.path() == "/account/inloggen/"
    expect(page.get_by_role("status")).to_contain_text("Uw wachtwoord is ingesteld. U kunt nu inloggen.")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    site.submit_login("contact@voorbeeld.nl", TEST_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Het e-mailadres of het wachtwoord klopt niet.")
    site.submit_login("contact@voorbeeld.nl", NEW_PASSWORD)
    site.second_factor("contact@voorbeeld.nl")
    assert site.path() == "/start/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Carla")
    site.log_out()

    # the same link a second time: refused, with an offer of a new one
    response = site.visit(link)
    assert_link_refused(site, response, "De link is al gebruikt")
    site.click(page.get_by_role("link", name="Nieuwe link aanvragen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtwoord vergeten")


def test_unknown_address_gets_the_same_answer_and_no_mail(site, smtp_sink):
    member(make_organisation(), "contact", email="contact@voorbeeld.nl")

    request_reset(site, "onbekend@voorbeeld.nl")

    expect(site.page.get_by_role("main")).to_contain_text("Als dit e-mailadres bij ons bekend is")
    assert smtp_sink.messages == []


def test_expired_reset_link_is_refused(site, smtp_sink, settings):
    user = member(make_organisation(), "contact", email="contact@voorbeeld.nl")
    request_reset(site, "contact@voorbeeld.nl")
    link = reset_link_from(smtp_sink, "contact@voorbeeld.nl")

    # A timestamp, not an aware UTC datetime: with the latter time-machine would also move
    # the naive local clock (which the token generator reads) to UTC.
    with time_machine.travel(time.time() + settings.PASSWORD_RESET_TIMEOUT + 60, tick=True):
        response = site.visit(link)

    assert_link_refused(site, response, "De link is verlopen.")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_invitation_in_the_demo_mail_viewer_sets_a_password_once(site, settings):
    settings.LCV_DEMO = True
    settings.MAILERS = {"default": {"BACKEND": "lcv.notifications.backends.DevMailBackend"}}
    organisation = make_organisation(name="Woningcorporatie Zuid")
    page = site.page

    invite_person(organisation=organisation, email="nieuw@voorbeeld.nl", full_name="Nina Nieuw", roles=[Role.CONTACT])
    assert DevMail.objects.count() == 1

    site.visit("/dev/mail/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo-mail")
    row = page.get_by_role("row").filter(has_text="nieuw@voorbeeld.nl")
    expect(row).to_have_count(1)
    site.click(row.get_by_role("link", name="Uitnodiging voor het LCV-portaal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitnodiging voor het LCV-portaal")
    body = page.get_by_test_id("mail-body")
    expect(body).to_contain_text("Beste Nina Nieuw,")
    link = body.locator("a[href*='/account/uitnodiging/']")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith(f"{site.base_url}/account/uitnodiging/")

    site.click(link)
    assert re.fullmatch(r"/account/uitnodiging/[^/]+/instellen/", site.path())
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij het LCV-portaal")
    expect(page.get_by_role("main")).to_contain_text("Kies een wachtwoord voor nieuw@voorbeeld.nl.")
    site.set_password(NEW_PASSWORD)
    assert site.path() == "/account/inloggen/"
    expect(page.get_by_role("status")).to_contain_text("Uw wachtwoord is ingesteld.")
    assert User.objects.get(email="nieuw@voorbeeld.nl").check_password(NEW_PASSWORD)

    site.submit_login("nieuw@voorbeeld.nl", NEW_PASSWORD)
    site.second_factor("nieuw@voorbeeld.nl")
    assert site.path() == "/start/"
    expect(page.get_by_role("main")).to_contain_text("U werkt voor Woningcorporatie Zuid")
    expect(page.get_by_role("region", name="Overeenkomsten")).to_contain_text("Nog geen overeenkomsten.")
    site.log_out()

    # the invitation was used: a second time it is refused
    response = site.visit(href)
    assert_link_refused(site, response, "De link is al gebruikt")
