"""The partner API: stored as received, idempotent by aanlever_id, each partner sees only its own
deliveries, row errors come back from the processing, and the committed OpenAPI file is current."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from lcv.organisations.models import Sector
from lcv.signals import tokens
from lcv.signals.intake import receive_form
from lcv.signals.management.commands.api_schema import SCHEMA_FILE, generated_schema
from lcv.signals.models import ApiToken, Delivery, DeliverySource, DeliveryStatus, RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member
from lcv.testing.signals import activate_all, row

pytestmark = pytest.mark.django_db

DELIVERIES = "/api/v1/deliveries"


def token_for(organisation) -> str:
    _token, plain = tokens.create_token(organisation=organisation, actor=member(organisation, "contact"), name="test")
    return plain


def api_client(plain: str) -> Client:
    # CSRF checks on, as for a real client: the API uses no cookies, so it needs no CSRF token
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {plain}"})


def body(aanlever_id: str = "2026-03-22-001", rows=None) -> bytes:
    return json.dumps({"aanlever_id": aanlever_id, "signalen": rows or [row()]}, ensure_ascii=False).encode()


def post(client: Client, content: bytes):
    return client.post(DELIVERIES, content, content_type="application/json")


@pytest.fixture
def water(world):
    return api_client(token_for(world["water"]))


@pytest.fixture
def other_partner(world):
    partner = make_organisation(name="Water Zuid", sector=Sector.WATER, national_coverage=True)
    activate_all(partner)
    return partner


# Deliveries and their outcome -----------------------------------------------------------------------


def test_post_stores_the_body_as_received_then_get_shows_counts_and_row_errors(world, water):
    content = body(rows=[row(), row(bedrag="veel", klantnummer="K-veel")])
    response = post(water, content)
    assert response.status_code == 202
    answer = response.json()
    assert answer["aanlever_id"] == "2026-03-22-001"
    assert answer["status"] == "ontvangen"
    assert response["Location"] == f"{DELIVERIES}/2026-03-22-001"
    delivery = Delivery.objects.get()
    assert bytes(delivery.content) == content  # exactly as received (R13)
    assert (delivery.organisation, delivery.source, delivery.client_reference) == (
        world["water"],
        DeliverySource.API,
        "2026-03-22-001",
    )
    assert delivery.api_token == ApiToken.objects.get(organisation=world["water"])

    process_delivery(delivery.pk)
    result = water.get(f"{DELIVERIES}/2026-03-22-001").json()
    assert result["status"] == "verwerkt"
    assert (result["rijen_totaal"], result["rijen_verwerkt"], result["geaccepteerd"], result["afgewezen"]) == (
        2,
        2,
        1,
        1,
    )
    assert result["gemarkeerd"] == 0
    assert result["fout"] is None
    assert result["verwerkt_op"] is not None
    assert result["aantal_fouten"] == 1
    [error] = result["fouten"]
    assert (error["rij"], error["veld"]) == (2, "bedrag")  # in the API the first signal is row 1
    assert error["klantnummer"] == "K-veel"  # the partner finds the row in its own system
    assert "geen bedrag in euro" in error["melding"]


def test_json_numbers_and_booleans_are_read_like_the_words_in_a_file(world, water):
    signal: dict[str, object] = {**row(), "huisnummer": 12, "bedrag": 245.5, "mvi_toegepast": True}
    signal["persoonlijk_contact_gezocht"] = True
    signal["crisis"] = False
    signal["toevoeging"] = None
    post(water, body(rows=[signal]))
    process_delivery(Delivery.objects.get().pk)
    result = water.get(f"{DELIVERIES}/2026-03-22-001").json()
    assert (result["geaccepteerd"], result["afgewezen"]) == (1, 0), result["fouten"]
    saved = Signal.objects.get()
    assert (saved.house_number, str(saved.amount), saved.crisis) == (12, "245.50", False)


def test_unknown_and_missing_fields_are_row_errors_not_a_refusal(world, water):
    incomplete = {key: value for key, value in row().items() if key != "achternaam"}
    response = post(water, body(rows=[incomplete | {"bsn": "123456782"}, row()]))
    assert response.status_code == 202
    process_delivery(Delivery.objects.get().pk)
    result = water.get(f"{DELIVERIES}/2026-03-22-001").json()
    assert (result["geaccepteerd"], result["afgewezen"]) == (1, 1)
    assert {(e["rij"], e["veld"]) for e in result["fouten"]} == {(1, "achternaam"), (1, "bsn")}


@pytest.mark.parametrize("house", ["²", "1²", "1" * 5000])
def test_a_house_number_python_cannot_convert_is_a_row_error_not_a_crash(world, water, house):
    # found by fuzzing: '²'.isdigit() is true but int('²') fails; int() refuses over 4,300 digits
    post(water, body(rows=[row(huisnummer=house), row()]))
    delivery = process_delivery(Delivery.objects.get().pk)
    assert (delivery.status, delivery.accepted, delivery.rejected) == (DeliveryStatus.DONE, 1, 1)
    assert RowError.objects.get().field == "huisnummer"


def test_an_unreadable_delivery_reports_the_file_error(world, water):
    post(water, body())
    # the API checks the envelope; a delivery stored otherwise can still be unreadable as a whole
    Delivery.objects.update(content=b'{"signalen": 3}')
    process_delivery(Delivery.objects.get().pk)
    result = water.get(f"{DELIVERIES}/2026-03-22-001").json()
    assert result["status"] == "onleesbaar"
    assert "'signalen' moet een lijst zijn" in result["fout"]


def test_row_errors_are_paged(world, water):
    post(water, body(rows=[row(bedrag="x", postcode="1")] * 3))
    process_delivery(Delivery.objects.get().pk)
    result = water.get(f"{DELIVERIES}/2026-03-22-001", {"fouten_offset": 2, "fouten_limit": 2}).json()
    assert result["aantal_fouten"] == 6
    assert sorted((e["rij"], e["veld"]) for e in result["fouten"]) == [(2, "bedrag"), (2, "postcode")]


# Idempotency -----------------------------------------------------------------------------------------


def test_the_same_post_twice_stores_one_delivery_and_answers_200(world, water):
    first = post(water, body())
    second = post(water, body())
    assert (first.status_code, second.status_code) == (202, 200)
    assert Delivery.objects.count() == 1
    assert second.json()["aanlever_id"] == "2026-03-22-001"
    process_delivery(Delivery.objects.get().pk)
    assert post(water, body()).json()["status"] == "verwerkt"
    assert Signal.objects.count() == 1


def test_the_same_id_with_another_body_is_a_conflict(world, water):
    post(water, body())
    response = post(water, body(rows=[row(), row(klantnummer="K2")]))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 409
    assert "Gebruik voor elke nieuwe aanlevering een nieuw aanlever_id" in problem["detail"]
    assert Delivery.objects.count() == 1


def test_an_id_used_by_the_portals_form_is_a_conflict(world, water):
    form_delivery = receive_form(organisation=world["water"], actor=world["deliverer"], values=row(), reference="abc")
    content = bytes(form_delivery.delivery.content)
    response = post(water, content.replace(b'{"signalen"', b'{"aanlever_id": "formulier-abc", "signalen"'))
    assert response.status_code == 409
    response = post(water, json.dumps({"aanlever_id": "formulier-abc", "signalen": [row()]}).encode())
    assert response.status_code == 409
    assert Delivery.objects.count() == 1


# Validation of the envelope ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "place", "message"),
    [
        ({"signalen": [{}]}, "aanlever_id", "ontbreekt"),
        ({"aanlever_id": "", "signalen": [{}]}, "aanlever_id", "te kort"),
        ({"aanlever_id": "met spatie", "signalen": [{}]}, "aanlever_id", "alleen letters, cijfers"),
        ({"aanlever_id": "x" * 101, "signalen": [{}]}, "aanlever_id", "te lang"),
        ({"aanlever_id": "a", "signalen": []}, "signalen", "minstens 1"),
        ({"aanlever_id": "a", "signalen": {}}, "signalen", "lijst"),
        ({"aanlever_id": "a", "signalen": ["x"]}, "signalen[0]", "object"),
        ({"aanlever_id": "a", "signalen": [{"bedrag": [1]}]}, "signalen[0].bedrag", "tekst, een getal"),
        ({"aanlever_id": 7, "signalen": [{}]}, "aanlever_id", "tekst"),
    ],
)
def test_a_bad_envelope_is_refused_with_dutch_reasons_and_nothing_is_stored(world, water, payload, place, message):
    response = post(water, json.dumps(payload).encode())
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Ongeldige aanlevering"
    errors = {error["plaats"]: error["melding"] for error in problem["fouten"]}
    assert message in errors[place], errors
    assert not Delivery.objects.exists()


def test_at_most_5000_signals(world, water):
    response = post(water, body(rows=[{}] * 5001))
    assert response.status_code == 422
    assert "ten hoogste 5000" in response.json()["fouten"][0]["melding"]


def test_a_body_that_is_not_json_is_refused(world, water):
    response = post(water, b"{niet: json")
    assert response.status_code == 400
    assert response.json()["detail"] == "De inhoud van het verzoek is geen geldige JSON."
    assert not Delivery.objects.exists()


def test_a_body_over_the_size_limit_is_refused(world, water, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(water, body(rows=[row()] * 10))
    assert response.status_code == 413
    assert "ten hoogste 5000 signalen" in response.json()["detail"]
    assert not Delivery.objects.exists()


def test_5000_signals_fit_in_one_request(world, water):
    long_row = row(achternaam="van den Bergh-Jansen", straat="Burgemeester van Rappardlaan", email="a" * 60 + "@x.nl")
    content = body(rows=[long_row] * 5000)
    assert len(content) < django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert post(water, content).status_code == 202


# Authentication and isolation ------------------------------------------------------------------------


def test_without_a_valid_token_the_api_answers_401(world):
    token, plain = tokens.create_token(organisation=world["water"], actor=member(world["water"], "contact"), name="weg")
    tokens.revoke_token(token_id=token.pk, organisation=world["water"], actor=None)
    for client in (Client(), api_client(plain), api_client("lcv_verzonnen"), Client(headers={"Authorization": plain})):
        response = post(client, body())
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "API-sleutel" in response.json()["detail"]
        assert client.get(DELIVERIES).status_code == 401
    assert not Delivery.objects.exists()


def test_the_token_of_an_organisation_that_left_no_longer_works(world):
    from django.utils import timezone

    plain = token_for(world["water"])
    assert api_client(plain).get(DELIVERIES).status_code == 200
    type(world["water"]).objects.filter(pk=world["water"].pk).update(left_at=timezone.now())
    assert api_client(plain).get(DELIVERIES).status_code == 401


def test_a_logged_in_session_does_not_open_the_api(world, client):
    login_verified(client, member(world["water"], "contact", "deliverer"))
    assert post(client, body()).status_code == 401


def test_using_a_token_records_its_last_use(world):
    plain = token_for(world["water"])
    api_client(plain).get(DELIVERIES)
    assert ApiToken.objects.get().last_used_at is not None


def test_a_partner_never_sees_another_partners_delivery(world, water, other_partner):
    zuid = api_client(token_for(other_partner))
    post(water, body("gedeeld-id"))
    post(water, body("alleen-midden"))
    assert zuid.get(f"{DELIVERIES}/alleen-midden").status_code == 404
    assert zuid.get(f"{DELIVERIES}/gedeeld-id").status_code == 404
    assert zuid.get(DELIVERIES).json()["aanleveringen"] == []
    assert water.get(f"{DELIVERIES}/onbekend").status_code == 404


def test_a_partner_cannot_write_into_another_partners_delivery(world, water, other_partner):
    zuid = api_client(token_for(other_partner))
    post(water, body("gedeeld-id", rows=[row()]))
    response = post(zuid, body("gedeeld-id", rows=[row(klantnummer="Z-1")]))
    assert response.status_code == 202  # its own, new delivery under its own id space
    midden, zuid_delivery = Delivery.objects.order_by("id")
    assert (midden.organisation, zuid_delivery.organisation) == (world["water"], other_partner)
    assert b"Z-1" not in bytes(midden.content)
    process_delivery(zuid_delivery.pk)
    assert set(Signal.objects.values_list("partner", flat=True)) == {other_partner.pk}
    assert water.get(f"{DELIVERIES}/gedeeld-id").json()["status"] == "ontvangen"


def test_the_list_shows_the_own_api_deliveries_newest_first(world, water, other_partner):
    for n in range(3):
        post(water, body(f"midden-{n}"))
    post(api_client(token_for(other_partner)), body("zuid-0"))
    receive_form(organisation=world["water"], actor=world["deliverer"], values=row(), reference="x")
    page = water.get(DELIVERIES, {"limit": 2}).json()
    assert page["aantal"] == 3
    assert [d["aanlever_id"] for d in page["aanleveringen"]] == ["midden-2", "midden-1"]
    rest = water.get(DELIVERIES, {"limit": 2, "offset": 2}).json()
    assert [d["aanlever_id"] for d in rest["aanleveringen"]] == ["midden-0"]
    assert water.get(DELIVERIES, {"limit": 0}).status_code == 422


def test_responses_carry_no_personal_data(world, water):
    post(water, body(rows=[row(achternaam="Jansen", bedrag="245,50")]))
    process_delivery(Delivery.objects.get().pk)
    text = water.get(f"{DELIVERIES}/2026-03-22-001").content.decode() + water.get(DELIVERIES).content.decode()
    assert "Jansen" not in text
    assert "245" not in text
    assert "3511AB" not in text


# Concurrency (PostgreSQL) ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
def test_the_same_post_twice_at_once_gives_one_delivery_and_one_set_of_signals(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    plain = token_for(world["water"])
    content = body(rows=[row(), row(klantnummer="K2", huisnummer="14"), row(bedrag="x")])
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = api_client(plain)
            barrier.wait()
            statuses.append(post(client, content).status_code)
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == [200, 202]
    delivery = Delivery.objects.get()

    def process() -> None:
        try:
            barrier.wait()
            process_delivery(delivery.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DONE
    assert (delivery.accepted, delivery.rejected) == (2, 1)
    assert Signal.objects.count() == 2
    assert RowError.objects.count() == 1


# The OpenAPI document ----------------------------------------------------------------------------


def test_the_openapi_document_is_served_without_a_token(client):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    assert response.json() == json.loads(generated_schema())
    assert response.request["PATH_INFO"] == "/api/v1/openapi.json"


def test_the_committed_openapi_document_is_current():
    committed = Path(SCHEMA_FILE).read_text(encoding="utf-8") if Path(SCHEMA_FILE).exists() else ""
    assert committed == generated_schema(), (
        "docs/api/openapi.json differs from the API in code: run `.venv/bin/lcv api_schema` and commit the file"
    )


def test_the_signal_schema_has_every_column():
    from lcv.signals.columns import NAMES

    document = json.loads(generated_schema())
    assert list(document["components"]["schemas"]["Signaal"]["properties"]) == sorted(NAMES)


def test_the_partner_guide_lists_every_field():
    from lcv.signals.columns import COLUMNS

    guide = (Path(SCHEMA_FILE).parents[1] / "api.md").read_text(encoding="utf-8")
    table = guide[guide.index("## Velden van een signaal") :]
    documented = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert documented == [column.name for column in COLUMNS], "update the field table in docs/api.md"


def test_reading_a_delivery_through_the_api_is_audited(world, water):
    from lcv.audit.models import AuditEvent

    post(water, body())
    delivery = Delivery.objects.get()
    assert not AuditEvent.objects.filter(action="signals.delivery_viewed").exists()
    water.get(f"{DELIVERIES}/2026-03-22-001")
    event = AuditEvent.objects.get(action="signals.delivery_viewed")
    assert (event.organisation, event.object_id) == (world["water"], str(delivery.pk))
    assert event.details == {"via": "api", "api_token": delivery.api_token_id}


def test_a_lone_surrogate_in_the_json_refuses_its_row_not_the_delivery(world, water):
    # "\ud800" is valid JSON but no text a database can store; it once failed the whole chunk
    content = (
        b'{"aanlever_id": "s-1", "signalen": ['
        + json.dumps({**row(), "achternaam": "Berg"}).encode()[:-1]
        + b', "tussenvoegsel": "\\ud800"}, '
        + json.dumps(row(klantnummer="K-2", postcode="3701AA")).encode()
        + b"]}"
    )
    assert post(water, content).status_code == 202
    delivery = process_delivery(Delivery.objects.get().pk)
    assert (delivery.status, delivery.accepted, delivery.rejected) == (DeliveryStatus.DONE, 1, 1)
    assert RowError.objects.filter(row_number=1, message__contains="ongeldig teken").exists()
