"""Registering an organisation on the public form, its approval by the helpdesk, the invitations
that follow through a real SMTP server, the municipalities told about a new signal partner, and
the contact directory that shows a partner's details only with consent."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Sector
from lcv.registrations.models import Registration, RegistrationStatus
from lcv.testing.factories import (
    TEST_PASSWORD,
    confirmed_device,
    make_organisation,
    member,
    municipality_organisation,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lange-zin-van-zeven-woorden"
SIGNATORY_PASSWORD = "nog-een-lange-zin-om-te-tekenen"

PARTNER = "Waterbedrijf Delta"
CONTACT = {"name": "Dirk Drinkwater", "email": "dirk@waterdelta.nl", "phone": "020 123 4567", "job": "Teamleider"}
SIGNATORY = {"name": "Tessa Teken", "email": "tessa@waterdelta.nl", "job": "Directeur"}


def joint_arrangement(name: str, *cbs_codes: str) -> Organisation:
    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name=name, sector="", national_coverage=False
    )
    arrangement.municipalities.set(Municipality.objects.filter(cbs_code__in=cbs_codes))
    return arrangement


def log_in_as_helpdesk(site, totp_code) -> None:
    platform = make_organisation(
        kind=OrganisationKind.PLATFORM, name="LCV-platform", kvk_number="", sector="", national_coverage=False
    )
    user = member(platform, "helpdesk", email="helpdesk@voorbeeld.nl", full_name="Hanna Helpdesk")
    device = confirmed_device(user)
    site.log_in("helpdesk@voorbeeld.nl", TEST_PASSWORD, second_factor=False)
    assert site.path() == "/account/tweede-factor/"
    site.pass_second_factor(totp_code(base64.b32encode(device.bin_key).decode()))
    assert site.path() == "/start/"


def open_signal_partner_form(site) -> None:
    site.visit("/aanmelden/")
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Uw organisatie aanmelden bij het LCV-portaal")
    site.click(site.page.get_by_role("main").get_by_role("link", name="Signaalpartner", exact=True))
    assert site.path() == "/aanmelden/signaalpartner/"
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Aanmelden als signaalpartner")


def fill_people(site, *, consents: bool = True) -> None:
    page = site.page
    contact = page.get_by_role("group", name="Contactpersoon vroegsignalering")
    contact.get_by_label("Naam", exact=True).fill(CONTACT["name"])
    contact.get_by_label("E-mailadres", exact=True).fill(CONTACT["email"])
    contact.get_by_label("Telefoonnummer", exact=True).fill(CONTACT["phone"])
    contact.get_by_label("Functie", exact=True).fill(CONTACT["job"])
    if consents:
        contact.get_by_label("Andere partijen mogen mijn naam, e-mailadres en telefoonnummer zien").check()
    signatory = page.get_by_role("group", name="Tekenbevoegde", exact=True)
    signatory.get_by_label("Naam", exact=True).fill(SIGNATORY["name"])
    signatory.get_by_label("E-mailadres", exact=True).fill(SIGNATORY["email"])
    signatory.get_by_label("Functie", exact=True).fill(SIGNATORY["job"])


def accept_invitation(site, smtp_sink, address: str, password: str) -> None:
    """Follow the invitation link from the mail, set a password, log in with it."""
    link = smtp_sink.link_in(smtp_sink.only(address, "Uitnodiging voor het LCV-portaal"), "/account/uitnodiging/")
    assert link.startswith(f"{site.base_url}/account/uitnodiging/")
    site.visit(link)
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Welkom bij het LCV-portaal")
    expect(site.page.get_by_role("main")).to_contain_text(f"Kies een wachtwoord voor {address}.")
    site.set_password(password)
    assert site.path() == "/account/inloggen/"
    expect(site.page.get_by_role("status")).to_contain_text("Uw wachtwoord is ingesteld.")
    site.submit_login(address, password)
    # every account enrols a second factor at first login, contacts and signatories too
    assert site.path() == "/account/tweede-factor/instellen/"
    site.second_factor(address)
    assert site.path() == "/start/"


def test_signal_partner_registers_is_approved_and_its_people_log_in(site, smtp_sink, totp_code):
    amsterdam = municipality_organisation("0363")
    member(amsterdam, "contact", email="anna@amsterdam.nl", full_name="Anna Amsterdam")
    rijnmond = joint_arrangement("GR Rijnmond Schuldhulp", "0599", "0597")
    member(rijnmond, "contact", email="rob@rijnmond.nl", full_name="Rob Rijnmond")
    page = site.page

    # --- the public form ------------------------------------------------------------------
    open_signal_partner_form(site)
    page.get_by_label("Naam van de organisatie").fill(PARTNER)
    page.get_by_label("KvK-nummer").fill("12345678")
    page.get_by_role("radio", name="Drinkwater").check()
    choices = page.locator("select[name='municipalities']")
    search = page.locator("#gemeente-zoeken")
    search.fill("amster")
    expect(choices.locator("option[value='0599']")).to_have_js_property("hidden", True)
    expect(choices.locator("option[value='0363']")).to_have_js_property("hidden", False)
    choices.select_option(["0363"])
    search.fill("rotter")
    # a chosen option stays visible while another filter is typed
    expect(choices.locator("option[value='0363']")).to_have_js_property("hidden", False)
    expect(choices.locator("option[value='0599']")).to_have_js_property("hidden", False)
    expect(choices.locator("option[value='0014']")).to_have_js_property("hidden", True)
    choices.select_option(["0363", "0599"])
    expect(choices).to_have_values(["0363", "0599"])
    fill_people(site, consents=True)
    site.click(page.get_by_role("button", name="Aanmelding versturen"))

    assert site.path() == "/aanmelden/bedankt/?soort=signaalpartner"  # the thanks fit the kind
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw aanmelding")
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.kind == OrganisationKind.SIGNAL_PARTNER
    assert (registration.name, registration.kvk_number, registration.sector) == (PARTNER, "12345678", Sector.WATER)
    assert sorted(registration.municipalities.values_list("cbs_code", flat=True)) == ["0363", "0599"]
    assert registration.contact_consents
    confirmation = smtp_sink.only(CONTACT["email"], f"Aanmelding ontvangen: {PARTNER}")
    assert f"Beste {CONTACT['name']}," in smtp_sink.text_of(confirmation)
    assert len(smtp_sink.messages) == 1

    # it has waited a while before the helpdesk gets to it
    Registration.objects.filter(pk=registration.pk).update(submitted_at=timezone.now() - timedelta(days=3, hours=2))

    # --- the helpdesk approves --------------------------------------------------------------
    log_in_as_helpdesk(site, totp_code)
    site.click(page.get_by_role("banner").get_by_role("link", name="Aanmeldingen"))
    assert site.path() == "/beheer/aanmeldingen/"
    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_have_text("1 aanmelding")
    row = table.get_by_role("row").filter(has_text=PARTNER)
    expect(row).to_contain_text("Signaalpartner")
    expect(row).to_contain_text("Drinkwater")
    expect(row.get_by_role("cell").nth(4)).to_have_text("3 dagen, 2 uur")
    expect(row).to_contain_text("Te beoordelen")

    site.click(row.get_by_role("link", name=PARTNER))
    assert site.path() == f"/beheer/aanmeldingen/{registration.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(PARTNER)
    main = page.get_by_role("main")
    expect(main).to_contain_text("wacht al 3 dagen, 2 uur")
    expect(main).to_contain_text("Amsterdam (0363), Rotterdam (0599)")
    # a decision that cannot be undone is confirmed first (issue 10)
    page.get_by_label("Ik heb de gegevens en de punten hierboven gecontroleerd en keur de aanmelding goed.").check()
    site.click(page.get_by_role("button", name="Goedkeuren"))

    assert site.path() == f"/beheer/aanmeldingen/{registration.pk}/"
    expect(page.get_by_role("status")).to_contain_text(
        f"Goedgekeurd: {PARTNER} staat op het platform; de uitnodigingen zijn verstuurd."
    )
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    partner = Organisation.objects.get(kind=OrganisationKind.SIGNAL_PARTNER)
    assert (partner.name, partner.kvk_number, partner.sector) == (PARTNER, "12345678", Sector.WATER)
    assert sorted(partner.municipalities.values_list("cbs_code", flat=True)) == ["0363", "0599"]
    site.log_out()

    # the invitations (one each) and the news for the municipalities that partner covers
    subjects = sorted(str(m["Subject"]) for m in smtp_sink.messages)
    assert subjects == [
        f"Aanmelding ontvangen: {PARTNER}",
        "Nieuwe signaalpartner: Waterbedrijf Delta",
        "Nieuwe signaalpartner: Waterbedrijf Delta",
        "Uitnodiging voor het LCV-portaal",
        "Uitnodiging voor het LCV-portaal",
    ]
    smtp_sink.only(CONTACT["email"], "Uitnodiging voor het LCV-portaal")
    smtp_sink.only(SIGNATORY["email"], "Uitnodiging voor het LCV-portaal")
    for address, recipient in (("anna@amsterdam.nl", "Gemeente Amsterdam"), ("rob@rijnmond.nl", rijnmond.name)):
        news = smtp_sink.only(address, "Nieuwe signaalpartner")
        assert len(smtp_sink.addressed_to(address)) == 1
        text = smtp_sink.text_of(news)
        assert f"Beste contactpersoon vroegsignalering van {recipient}," in text
        assert f"{PARTNER} (drinkwater) heeft zich aangesloten" in text

    # --- the contact person accepts the invitation ------------------------------------------
    accept_invitation(site, smtp_sink, CONTACT["email"], NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Dirk")
    expect(page.get_by_role("main")).to_contain_text(
        f"U werkt voor {PARTNER} (Signaalpartner) als contactpersoon vroegsignalering."
    )
    expect(page.get_by_role("region", name="Overeenkomsten")).to_be_visible()
    expect(page.get_by_role("region", name="Te ondertekenen")).to_have_count(0)
    site.log_out()

    # --- and so does the signatory ----------------------------------------------------------
    accept_invitation(site, smtp_sink, SIGNATORY["email"], SIGNATORY_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Tessa")
    expect(page.get_by_role("main")).to_contain_text(f"U werkt voor {PARTNER} (Signaalpartner) als tekenbevoegde.")
    expect(page.get_by_role("region", name="Te ondertekenen")).to_be_visible()
    expect(page.get_by_role("region", name="Overeenkomsten")).to_have_count(0)
    site.log_out()

    # --- Amsterdam reads the news on its home page ------------------------------------------
    site.log_in("anna@amsterdam.nl", TEST_PASSWORD)
    assert site.path() == "/start/"
    messages = page.get_by_role("region", name="Berichten")
    expect(messages.get_by_test_id("notice")).to_have_count(1)
    expect(messages.get_by_test_id("notice")).to_contain_text(
        f"{PARTNER} (drinkwater) is aangesloten bij het LCV-portaal en werkt in uw gemeente."
    )
    assert len(smtp_sink.messages) == 5  # nothing more was sent


def test_signal_partner_form_refuses_bad_input_in_dutch(site):
    municipality_organisation("0363")  # loads the municipalities for the list
    page = site.page
    open_signal_partner_form(site)
    page.get_by_label("Naam van de organisatie").fill(PARTNER)
    page.get_by_label("KvK-nummer").fill("1234")
    page.get_by_role("radio", name="Drinkwater").check()
    fill_people(site)

    response = site.click(page.get_by_role("button", name="Aanmelding versturen"))

    assert response.status == 200
    assert site.path() == "/aanmelden/signaalpartner/"
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet verstuurd. Verbeter de velden hieronder.")
    kvk = page.get_by_label("KvK-nummer")
    expect(kvk).to_have_value("1234")
    expect(page.locator("#id_kvk_number_error")).to_have_text(
        "Een KvK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."
    )
    expect(kvk).to_have_accessible_description(
        "8 cijfers, zoals in het Handelsregister. Een KvK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."
    )
    municipalities = page.locator("select[name='municipalities']")
    expect(page.locator("#id_municipalities_error")).to_have_text(
        "Kies de gemeenten waar u klanten heeft, of kies 'heel Nederland'."
    )
    expect(municipalities).to_have_accessible_description(
        "Typ in het zoekveld om de lijst te filteren; houd Ctrl (of Cmd) ingedrukt om meer te kiezen. "
        "Kies de gemeenten waar u klanten heeft, of kies 'heel Nederland'."
    )
    # the other fields were right and kept their values
    expect(page.get_by_label("Naam van de organisatie")).to_have_value(PARTNER)
    expect(page.get_by_role("radio", name="Drinkwater")).to_be_checked()
    expect(page.locator(".lcv-error")).to_have_count(2)
    assert not Registration.objects.exists()


def test_directory_shows_a_partners_contact_only_with_consent(site):
    from lcv.agreements.generation import generate_agreements

    amsterdam = municipality_organisation("0363")
    member(amsterdam, "contact", email="anna@amsterdam.nl", full_name="Anna Amsterdam")
    sharing = make_organisation(
        name="Energie Open", sector=Sector.ENERGY, national_coverage=False, kind=OrganisationKind.SIGNAL_PARTNER
    )
    sharing.municipalities.set(Municipality.objects.filter(cbs_code="0363"))
    member(
        sharing,
        "contact",
        email="olga@energieopen.nl",
        full_name="Olga Open",
        phone="010 765 4321",
        job_title="Incassospecialist",
        consents_to_share_contact_details=True,
    )
    private = make_organisation(name="Wonen Gesloten", sector=Sector.HOUSING, national_coverage=True)
    member(
        private,
        "contact",
        email="geheim@wonengesloten.nl",
        full_name="Gerrit Geheim",
        phone="030 111 2222",
        consents_to_share_contact_details=False,
    )
    elsewhere = make_organisation(name="Water Elders", sector=Sector.WATER, national_coverage=False)
    elsewhere.municipalities.set(Municipality.objects.filter(cbs_code="0599"))
    generate_agreements()  # the directory lists organisations with whom an agreement exists
    page = site.page

    site.log_in("anna@amsterdam.nl", TEST_PASSWORD)
    site.click(page.get_by_role("banner").get_by_role("link", name="Contacten"))

    assert site.path() == "/contacten/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacten bij andere partijen")
    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_have_text("2 organisaties")
    open_row = page.get_by_test_id("directory-row").filter(has_text="Energie Open")
    expect(open_row).to_contain_text("Olga Open, Incassospecialist")
    expect(open_row.get_by_role("link", name="olga@energieopen.nl")).to_have_attribute(
        "href", "mailto:olga@energieopen.nl"
    )
    expect(open_row).to_contain_text("010 765 4321")
    closed_row = page.get_by_test_id("directory-row").filter(has_text="Wonen Gesloten")
    expect(closed_row).to_contain_text("Geen contactgegevens gedeeld")
    expect(closed_row.get_by_role("link")).to_have_count(0)
    # the partner that works elsewhere is not listed
    expect(page.get_by_test_id("directory-row").filter(has_text="Water Elders")).to_have_count(0)
    # nothing of the person who did not consent reaches the browser, not even hidden
    html = page.content()
    for secret in ("Gerrit", "Geheim", "geheim@wonengesloten.nl", "030 111 2222"):
        assert secret not in html
