"""Content isolation: with two municipalities' and two partners' data present (deliveries with
refused rows, API deliveries, CAK files, agreements, notices, API keys), every list, detail, export
and API answer shows the viewer's own rows and never another organisation's. The assertions are on
what the response contains (customer numbers, the words of refused rows, notice texts, key names,
links to objects), not on status codes."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from lcv.accounts.models import User
from lcv.agreements.documents import final_document
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.organisations.models import Role
from lcv.testing.auth import login_verified
from lcv.testing.world import Party, World, module_world

pytestmark = pytest.mark.django_db

PARTIES = ["utrecht", "zeist", "water", "energy"]
MUNICIPALITIES = ["utrecht", "zeist"]
PARTNERS = ["water", "energy"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from module_world(django_db_blocker)


def client_for(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8-sig")


def delivering_role(party: Party) -> Role:
    return Role.DELIVERER if Role.DELIVERER in party.people else Role.HANDLER


def href(url: str) -> str:
    return f'href="{url}"'


def others_secrets(world: World, party: Party) -> list[str]:
    """Everything of every other organisation that `party` may never see: its customer numbers,
    refused rows, API delivery ids, key names, notices, and the links to its deliveries."""
    secrets = []
    for other in world.others(party):
        secrets += other.markers
        secrets += [href(reverse("signals:delivery", args=[d.pk])) for d in other.deliveries]
    return secrets


def assert_only_own(body: str, world: World, party: Party, *own: str) -> None:
    leaked = [text for text in others_secrets(world, party) if text in body]
    assert not leaked, f"{party.name} sees another organisation's {leaked}"
    missing = [text for text in own if text not in body]
    assert not missing, f"{party.name} does not see its own {missing}"


# --- deliveries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTIES)
def test_delivery_list_shows_only_own_deliveries(world, name):
    party: Party = getattr(world, name)
    body = body_of(client_for(party.people[delivering_role(party)]).get(reverse("signals:deliveries")))
    own_links = [href(reverse("signals:delivery", args=[d.pk])) for d in party.deliveries]
    assert_only_own(body, world, party, *own_links)


@pytest.mark.parametrize("name", PARTIES)
def test_delivery_page_error_report_and_progress_show_only_own_rows(world, name):
    party: Party = getattr(world, name)
    client = client_for(party.people[delivering_role(party)])
    for delivery in party.deliveries:
        page = body_of(client.get(reverse("signals:delivery", args=[delivery.pk])))
        report = body_of(client.get(reverse("signals:error_report", args=[delivery.pk])))
        progress = body_of(client.get(reverse("signals:progress", args=[delivery.pk])))
        assert_only_own(page + report + progress, world, party)
    # each own refused row is on its own delivery's page and report
    for delivery, word in zip(party.deliveries, party.errors, strict=True):
        assert word in body_of(client.get(reverse("signals:delivery", args=[delivery.pk])))
        assert word in body_of(client.get(reverse("signals:error_report", args=[delivery.pk])))


@pytest.mark.parametrize("name", PARTIES)
def test_another_organisations_delivery_shows_nothing_of_it(world, name):
    party: Party = getattr(world, name)
    client = client_for(party.people[delivering_role(party)])
    for other in world.others(party):
        for delivery in other.deliveries:
            for url_name in ("signals:delivery", "signals:error_report", "signals:progress"):
                response = client.get(reverse(url_name, args=[delivery.pk]))
                assert response.status_code == 404
                assert_only_own(response.content.decode(), world, party)


def test_signals_per_municipality_counts_only_own_signals(world):
    """Water Midden sent one signal to Utrecht and one to Zeist; Energie Noord one to Zeist."""
    expected = {
        "water": ["Gemeente Utrecht;1;0;22-03-2026", "Gemeente Zeist;1;0;22-03-2026"],
        "energy": ["Gemeente Zeist;1;0;22-03-2026"],
    }
    for name, rows in expected.items():
        party: Party = getattr(world, name)
        client = client_for(party.people[Role.DELIVERER])
        export = body_of(client.get(reverse("signals:per_municipality"), {"formaat": "csv"}))
        assert export.splitlines() == ["gemeente;signalen;gemarkeerd;laatst ontvangen", *rows]
        page = body_of(client.get(reverse("signals:per_municipality")))
        assert_only_own(page + export, world, party)
    page = body_of(client_for(world.energy.people[Role.DELIVERER]).get(reverse("signals:per_municipality")))
    assert "Gemeente Utrecht" not in page


# --- the start page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTIES)
def test_start_page_shows_only_own_notices_deliveries_and_counts(world, name):
    party: Party = getattr(world, name)
    for role, user in party.people.items():
        body = body_of(client_for(user).get(reverse("portal:home")))
        own = [party.name]
        if role == Role.CONTACT:
            own += [text for text in party.markers if text.startswith("BERICHT-")]
        if role == Role.DELIVERER:
            own += [href(reverse("signals:delivery", args=[d.pk])) for d in party.deliveries]
        assert_only_own(body, world, party, *own)
        for other in world.others(party):
            assert f"U werkt voor {other.name}" not in body


def test_start_page_counts_only_signals_for_the_own_municipality(world):
    """Utrecht received one signal (from Water Midden), Zeist two (one of each partner)."""
    for name, text in (("utrecht", "1 signaal ontvangen."), ("zeist", "2 signalen ontvangen.")):
        party: Party = getattr(world, name)
        body = body_of(client_for(party.people[Role.HANDLER]).get(reverse("portal:home")))
        assert f'data-testid="received-signals">{text}' in body


# --- agreements ------------------------------------------------------------------------------------


def agreements_of(party: Party) -> list[Agreement]:
    return list(
        Agreement.objects.filter(municipal_party=party.organisation)
        | Agreement.objects.filter(partner=party.organisation)
    )


def strangers(world: World, party: Party) -> list[Party]:
    """Organisations of the same kind: no agreement between them and `party`."""
    return [other for other in world.others(party) if other.organisation.kind == party.organisation.kind]


def foreign_agreement_links(world: World, party: Party) -> list[str]:
    own = {agreement.pk for agreement in agreements_of(party)}
    return [
        href(reverse("agreements:detail", args=[pk]))
        for pk in Agreement.objects.exclude(pk__in=own).values_list("pk", flat=True)
    ]


@pytest.mark.parametrize("name", PARTIES)
def test_agreement_list_and_to_sign_show_only_own_agreements(world, name):
    party: Party = getattr(world, name)
    Agreement.objects.update(status=AgreementStatus.RELEASED)  # all of them wait for signatures
    for role in (Role.CONTACT, Role.SIGNATORY):
        client = client_for(party.people[role])
        for url_name in ("agreements:list", "agreements:to_sign"):
            body = body_of(client.get(reverse(url_name)))
            counterparts = [other.name for other in world.others(party) if other not in strangers(world, party)]
            assert_only_own(body, world, party, *counterparts)
            for stranger in strangers(world, party):
                assert stranger.name not in body
            leaked = [link for link in foreign_agreement_links(world, party) if link in body]
            assert not leaked


@pytest.mark.parametrize("name", PARTIES)
def test_agreement_pages_and_documents_are_only_the_parties(world, name):
    party: Party = getattr(world, name)
    client = client_for(party.people[Role.CONTACT])
    for agreement in agreements_of(party):
        body = body_of(client.get(reverse("agreements:detail", args=[agreement.pk])))
        assert_only_own(body, world, party, agreement.municipal_party.name, agreement.partner.name)
        for stranger in strangers(world, party):
            assert stranger.name not in body
        if agreement.status == AgreementStatus.ACTIVE:
            final_document(agreement)  # what the worker does once an agreement is active (R6)
        document = client.get(reverse("agreements:document", args=[agreement.pk]))
        assert document.status_code == 200
        assert document.content.startswith((b"%PDF", b"PK"))
    for agreement in Agreement.objects.exclude(pk__in=[a.pk for a in agreements_of(party)]):
        for url_name in ("agreements:detail", "agreements:document"):
            response = client.get(reverse(url_name, args=[agreement.pk]))
            assert response.status_code == 404
            assert agreement.partner.name not in response.content.decode(errors="replace") or (
                agreement.partner == party.organisation
            )


# --- people and organisations ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTIES)
def test_directory_shows_only_counterparts(world, name):
    party: Party = getattr(world, name)
    body = body_of(client_for(party.people[Role.CONTACT]).get(reverse("agreements:directory")))
    counterparts = [other for other in world.others(party) if other not in strangers(world, party)]
    assert_only_own(body, world, party, *(other.people[Role.CONTACT].email for other in counterparts))
    for stranger in strangers(world, party):
        assert stranger.name not in body
        assert not [user.email for user in stranger.people.values() if user.email in body]


@pytest.mark.parametrize("name", PARTIES)
def test_organisation_page_lists_only_own_people(world, name):
    party: Party = getattr(world, name)
    body = body_of(
        client_for(party.people[Role.CONTACT]).get(reverse("organisations:detail", args=[party.organisation.pk]))
    )
    assert_only_own(body, world, party, *(user.email for user in party.people.values()))
    for other in world.others(party):
        assert not [user.email for user in other.people.values() if user.email in body]


@pytest.mark.parametrize("name", PARTNERS)
def test_api_key_page_shows_only_own_keys(world, name):
    party: Party = getattr(world, name)
    assert party.token is not None
    body = body_of(client_for(party.people[Role.CONTACT]).get(reverse("signals_tokens:list")))
    assert_only_own(body, world, party, party.token.name)


# --- the partner API -------------------------------------------------------------------------------


def api(party: Party) -> Client:
    return Client(headers={"Authorization": f"Bearer {party.plain_token}"})


@pytest.mark.parametrize("name", PARTNERS)
def test_api_lists_and_shows_only_own_deliveries(world, name):
    party: Party = getattr(world, name)
    client = api(party)
    listing = client.get("/api/v1/deliveries")
    assert listing.status_code == 200
    references = [item["aanlever_id"] for item in listing.json()["aanleveringen"]]
    own_reference = {"water": "water-api-1", "energy": "energie-api-1"}[name]
    assert references == [own_reference]
    assert listing.json()["aantal"] == 1
    assert_only_own(listing.content.decode(), world, party, own_reference)
    detail = client.get(f"/api/v1/deliveries/{own_reference}")
    assert detail.status_code == 200
    assert [error["melding"].split("'")[1] for error in detail.json()["fouten"]] == [party.errors[1]]
    assert_only_own(json.dumps(detail.json(), ensure_ascii=False), world, party, party.errors[1])
    for other in world.others(party):
        for delivery in other.deliveries:
            if delivery.client_reference:
                response = client.get(f"/api/v1/deliveries/{delivery.client_reference}")
                assert response.status_code == 404
                assert_only_own(response.content.decode(), world, party)


# --- platform screens ------------------------------------------------------------------------------

HELPDESK_SCREENS = [
    "audit:log",
    "registrations:queue",
    "organisations:change_requests",
    "agreements_helpdesk:list",
    "agreements_helpdesk:templates",
]


@pytest.mark.parametrize("name", PARTIES)
def test_helpdesk_screens_show_nothing_to_an_organisation_even_with_the_helpdesk_role(world, name):
    party: Party = getattr(world, name)
    user = party.people[Role.CONTACT]
    membership = user.membership
    membership.is_helpdesk = True  # a helpdesk role given by mistake to someone outside the platform
    membership.save()
    client = client_for(user)
    for url_name in HELPDESK_SCREENS:
        for query in ({}, {"formaat": "csv"}):
            response = client.get(reverse(url_name), query)
            assert response.status_code == 403
            body = response.content.decode()
            assert_only_own(body, world, party)
            assert not [other.name for other in world.others(party) if other.name in body]


def test_helpdesk_sees_every_organisation(world):
    """The other side: the platform's helpdesk is the one place where all organisations show."""
    client = client_for(world.platform.people[Role.HELPDESK])
    export = body_of(client.get(reverse("agreements_helpdesk:list"), {"formaat": "csv"}))
    for party in world.parties:
        assert party.name in export
    log = body_of(client.get(reverse("audit:log"), {"handeling": "signals.delivery_received"}))
    for party in world.parties:
        assert party.name in log
