"""R1 registration: the public form, bad input, abuse protection and duplicates."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from lcv.audit.models import AuditEvent
from lcv.registrations.models import Registration, RegistrationStatus
from lcv.registrations.services import RATE_LIMIT_PER_HOUR
from lcv.testing.factories import make_organisation, municipality_organisation

pytestmark = pytest.mark.django_db

PEOPLE = {
    "contact_name": "Anna de Vries",
    "contact_email": "anna@woonstichting.nl",
    "contact_phone": "010 123 45 67",
    "contact_job_title": "Incassospecialist",
    "contact_consents": "on",
    "signatory_name": "Bert Jansen",
    "signatory_email": "bert@woonstichting.nl",
    "signatory_job_title": "Directeur",
}
PARTNER = {"name": "Woonstichting Maas", "kvk_number": "12345678", "sector": "housing", **PEOPLE}


def post(client, slug, data, **extra):
    return client.post(reverse("registrations:register", args=[slug]), data, **extra)


def field_errors(response, field: str) -> str:
    """The Dutch error text rendered next to a field (the block the field's aria-describedby names)."""
    content = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in content, f"no error shown next to {field}"
    start = content.index(marker)
    return content[start : content.index("</div>", start)]


@pytest.mark.parametrize("slug", ["gemeente", "gemeenschappelijke-regeling", "uitvoerder", "signaalpartner"])
def test_each_kind_has_its_form(client, slug):
    assert client.get(reverse("registrations:choose_kind")).status_code == 200
    response = client.get(reverse("registrations:register", args=[slug]))
    assert response.status_code == 200
    assert 'name="signatory_email"' in response.content.decode()


def test_unknown_kind_is_404(client):
    assert client.get("/aanmelden/parkeerbedrijf/").status_code == 404


def test_regional_signal_partner_is_stored_and_confirmed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "signaalpartner", {**PARTNER, "municipalities": ["0363", "0599"]})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.kind == "signal_partner"
    assert sorted(registration.municipalities.values_list("cbs_code", flat=True)) == ["0363", "0599"]
    assert registration.client_fingerprint
    assert "127.0.0.1" not in registration.client_fingerprint
    assert [m.to for m in mail.outbox] == [["anna@woonstichting.nl"]]
    assert "Aanmelding ontvangen" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="registration.submitted").exists()


def test_national_partner_needs_no_municipalities(client):
    post(client, "signaalpartner", {**PARTNER, "national_coverage": "on", "municipalities": ["0363"]})
    registration = Registration.objects.get()
    assert registration.national_coverage
    assert registration.municipalities.count() == 0


def test_municipality_is_chosen_from_the_342_and_stored_by_cbs_code(client):
    post(client, "gemeente", {"municipality": "0344", "signal_system": "vps", **PEOPLE})
    registration = Registration.objects.get()
    assert registration.municipality is not None
    assert registration.municipality.cbs_code == "0344"
    assert registration.name == "Gemeente Utrecht"


def test_municipality_form_explains_the_other_signal_system(client):
    content = client.get(reverse("registrations:register", args=["gemeente"])).content.decode()
    assert "aanlevering eerst met iedere signaalpartner apart afspreken" in content


def test_cosigning_executor_is_optional_and_explained(client):
    content = client.get(reverse("registrations:register", args=["gemeente"])).content.decode()
    assert "Dit is zelden nodig" in content
    post(
        client,
        "gemeente",
        {
            "municipality": "0344",
            "signal_system": "ris",
            "has_cosigning_executor": "on",
            "cosigning_executor_name": "Buurtteams",
            "cosigning_executor_kvk": "87654321",
            **PEOPLE,
        },
    )
    assert Registration.objects.get().cosigning_executor_kvk == "87654321"


# --- bad input: a Dutch error next to the field, and nothing stored -----------------------------


@pytest.mark.parametrize("kvk", ["1234", "123456789", "abcdefgh"])
def test_invalid_kvk_is_refused(client, kvk):
    response = post(client, "signaalpartner", {**PARTNER, "kvk_number": kvk, "national_coverage": "on"})
    assert response.status_code == 200
    assert "8 cijfers" in field_errors(response, "kvk_number")
    assert Registration.objects.count() == 0


def test_unknown_municipality_is_refused(client):
    response = post(client, "gemeente", {"municipality": "9999", "signal_system": "vps", **PEOPLE})
    assert "niet in de lijst van 342 gemeenten" in field_errors(response, "municipality")
    response = post(client, "signaalpartner", {**PARTNER, "municipalities": ["0363", "9998"]})
    assert "geen gemeente uit de lijst" in field_errors(response, "municipalities")
    assert Registration.objects.count() == 0


def test_missing_signatory_is_refused(client):
    data = {**PARTNER, "national_coverage": "on", "signatory_name": "", "signatory_email": ""}
    response = post(client, "signaalpartner", data)
    assert "Dit veld is verplicht" in field_errors(response, "signatory_name")
    assert "Dit veld is verplicht" in field_errors(response, "signatory_email")
    assert Registration.objects.count() == 0


def test_two_people_may_not_share_an_email_address(client):
    data = {**PARTNER, "national_coverage": "on", "signatory_email": PEOPLE["contact_email"]}
    response = post(client, "signaalpartner", data)
    assert "hetzelfde e-mailadres" in field_errors(response, "signatory_email")
    assert Registration.objects.count() == 0


def test_one_person_may_be_contact_and_signatory(client):
    data = {
        **PARTNER,
        "national_coverage": "on",
        "signatory_name": PEOPLE["contact_name"],
        "signatory_email": PEOPLE["contact_email"].upper(),
    }
    assert post(client, "signaalpartner", data).status_code == 302
    assert Registration.objects.count() == 1


def test_regional_partner_without_municipalities_is_refused(client):
    response = post(client, "signaalpartner", PARTNER)
    assert "Kies de gemeenten" in field_errors(response, "municipalities")
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("slug", ["gemeenschappelijke-regeling", "uitvoerder"])
def test_joint_arrangement_and_executor_need_municipalities(client, slug):
    response = post(client, slug, {"name": "Samen", "kvk_number": "12345678", **PEOPLE})
    assert "Kies minstens één gemeente" in field_errors(response, "municipalities")
    assert Registration.objects.count() == 0


def test_signal_partner_sector_is_required_and_limited(client):
    response = post(client, "signaalpartner", {**PARTNER, "sector": "parking", "national_coverage": "on"})
    assert "sector" in response.content.decode()
    field_errors(response, "sector")
    assert Registration.objects.count() == 0


# --- abuse protection ---------------------------------------------------------------------------


def test_honeypot_stores_nothing_but_answers_as_usual(client):
    response = post(client, "signaalpartner", {**PARTNER, "national_coverage": "on", "website": "http://spam"})
    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_per_client_address(client):
    for n in range(RATE_LIMIT_PER_HOUR):
        data = {**PARTNER, "national_coverage": "on", "name": f"Partner {n}"}
        assert post(client, "signaalpartner", data, REMOTE_ADDR="192.0.2.7").status_code == 302
    response = post(client, "signaalpartner", {**PARTNER, "national_coverage": "on"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert "te veel aanmeldingen" in response.content.decode()
    assert Registration.objects.count() == RATE_LIMIT_PER_HOUR
    # another address is not affected
    assert (
        post(client, "signaalpartner", {**PARTNER, "national_coverage": "on"}, REMOTE_ADDR="192.0.2.8").status_code
        == 302
    )


# --- duplicates ---------------------------------------------------------------------------------


def test_registration_of_a_known_municipality_is_marked_as_duplicate(client):
    existing = municipality_organisation("0344")
    post(client, "gemeente", {"municipality": "0344", "signal_system": "vps", **PEOPLE})
    assert Registration.objects.get().duplicate_of == existing


def test_registration_with_a_known_kvk_is_marked_as_duplicate(client):
    existing = make_organisation(kvk_number="12345678")
    post(client, "signaalpartner", {**PARTNER, "national_coverage": "on"})
    assert Registration.objects.get().duplicate_of == existing


def test_behind_the_proxy_the_forwarded_address_is_counted(client, settings):
    settings.BEHIND_TLS_PROXY = True
    for n in range(RATE_LIMIT_PER_HOUR):
        data = {**PARTNER, "national_coverage": "on", "name": f"Partner {n}"}
        post(client, "signaalpartner", data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    # a different visitor behind the same proxy is not blocked by the first one's registrations
    response = post(
        client,
        "signaalpartner",
        {**PARTNER, "national_coverage": "on"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        secure=True,
    )
    assert response.status_code == 302
    blocked = post(
        client,
        "signaalpartner",
        {**PARTNER, "national_coverage": "on"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        secure=True,
    )
    assert blocked.status_code == 200


@pytest.mark.parametrize("field", ["name", "contact_name", "signatory_job_title"])
def test_a_line_break_in_a_one_line_field_is_refused_in_dutch_and_nothing_is_stored(client, field):
    data = {**PARTNER, "national_coverage": "on", field: "Woonstichting\r\nBcc: iedereen@voorbeeld.nl"}
    response = post(client, "signaalpartner", data)
    assert response.status_code == 200
    assert "zonder regeleinden" in field_errors(response, field)
    assert not Registration.objects.exists()


def test_a_mail_subject_stays_one_line_whatever_its_context_holds():
    from lcv.notifications.services import send_templated_mail

    registration = Registration(name="Woonstichting\nMaas")
    send_templated_mail(
        to=["anna@woonstichting.nl"], template="registration_received", context={"registration": registration}
    )
    assert mail.outbox[-1].subject == "Aanmelding ontvangen: Woonstichting Maas"


def test_a_joint_arrangement_chooses_its_signal_system(client):
    """Issue 10: the arrangement's form had no field, so its agreements never named a system."""
    page = client.get(reverse("registrations:register", args=["gemeenschappelijke-regeling"])).content.decode()
    assert 'name="signal_system"' in page
    assert "LCV-portaal" in page
    data = {"name": "Regio Eemland", "kvk_number": "87654321", "municipalities": ["0307"], **PEOPLE}
    response = post(client, "gemeenschappelijke-regeling", data)
    assert "signal_system" in response.context["form"].errors
    post(client, "gemeenschappelijke-regeling", {**data, "signal_system": "lcv"})
    assert Registration.objects.get().signal_system == "lcv"


# --- phone numbers (issue 10) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["010 123 45 67", "06-12345678", "+31 6 12345678", "+31 (0)10 123 45 67", "0800-1234", "0900 1234567"]
)
def test_a_dutch_phone_number_is_accepted(client, phone):
    assert (
        post(client, "signaalpartner", {**PARTNER, "national_coverage": "on", "contact_phone": phone}).status_code
        == 302
    )
    assert Registration.objects.get().contact_phone == phone


@pytest.mark.parametrize(
    "phone", ["12345", "010 123 45 6", "010 123 45 678", "+32 2 123 45 67", "bel mij", "06123456789"]
)
def test_a_phone_number_that_is_not_dutch_is_refused_in_dutch_naming_the_field(client, phone):
    response = post(client, "signaalpartner", {**PARTNER, "national_coverage": "on", "contact_phone": phone})
    assert response.status_code == 200
    error = field_errors(response, "contact_phone")
    assert "Telefoonnummer contactpersoon: dit is geen Nederlands telefoonnummer" in error
    assert "10 cijfers" in error
    assert not Registration.objects.exists()


# --- what happens next, per kind (issue 10) -----------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "data", "expected"),
    [
        ("gemeente", {"municipality": "0344", "signal_system": "vps"}, "uw gemeente krijgt dan geen eigen"),
        (
            "gemeenschappelijke-regeling",
            {"name": "Regio", "kvk_number": "87654321", "signal_system": "lcv", "municipalities": ["0307"]},
            "ondertekent ze voor de deelnemende gemeenten",
        ),
        (
            "uitvoerder",
            {"name": "Buurtteams", "kvk_number": "87654321", "municipalities": ["0307"]},
            "mede-ondertekenaar",
        ),
        ("signaalpartner", {**PARTNER, "national_coverage": "on"}, "in uw werkgebied"),
    ],
)
def test_the_thanks_page_says_what_happens_next_for_the_kind_and_promises_no_time(client, slug, data, expected):
    response = post(client, slug, {**PEOPLE, **data}, follow=True)
    content = " ".join(response.content.decode().split())
    assert "De helpdesk beoordeelt uw aanmelding; u krijgt bericht per e-mail." in content
    assert expected in content
    assert "werkdag" not in content


def test_a_member_municipality_is_told_in_the_confirmation_that_its_arrangement_signs(
    client, django_capture_on_commit_callbacks
):
    from lcv.organisations.models import Municipality, OrganisationKind

    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Utrecht", sector="", national_coverage=False
    )
    arrangement.municipalities.set(Municipality.objects.filter(cbs_code__in=["0344", "0355"]))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "gemeente", {"municipality": "0355", "signal_system": "vps", **PEOPLE})
    body = " ".join(mail.outbox[-1].body.split())
    assert "De helpdesk beoordeelt uw aanmelding; u krijgt bericht per e-mail." in body
    assert "lid van de gemeenschappelijke regeling Regio Utrecht" in body
    assert "uw gemeente krijgt daarom geen eigen overeenkomsten" in body
    assert "Na goedkeuring maakt het platform een overeenkomst aan" not in body
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "gemeente", {"municipality": "0307", "signal_system": "vps", **PEOPLE})
    body = " ".join(mail.outbox[-1].body.split())
    assert "Regio Utrecht" not in body
    assert "Na goedkeuring maakt het platform een overeenkomst aan met iedere signaalpartner" in body
