"""The page /schuldhulp/ (R17): the municipal party's contact and handlers see their own list's
date, uploader and count (never a number), upload a new one and see why a file was refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lcv.debthelp.models import DebtHelpList
from lcv.debthelp.reading import MAX_BYTES
from lcv.debthelp.selectors import known_at_debt_help
from lcv.testing.auth import login_verified
from lcv.testing.debthelp import bsn_csv, invalid_bsn, valid_bsns

pytestmark = pytest.mark.django_db

URL = "/schuldhulp/"
BSNS = valid_bsns(7, start=50_000_000)


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def post_file(client: Client, content: bytes, name: str = "schuldhulp.csv"):
    return client.post(URL, {"bestand": SimpleUploadedFile(name, content, content_type="text/csv")}, follow=True)


def test_the_url():
    assert reverse("debthelp:index") == URL


def test_r17_upload_then_the_page_shows_date_uploader_and_count_but_no_number(parties):
    client = client_for(parties["utrecht_handler"])
    page = client.get(URL).content.decode()
    assert "Bekend bij schuldhulpverlening" in page
    assert 'data-testid="no-list"' in page
    response = post_file(client, bsn_csv([*BSNS, BSNS[0]]))
    page = response.content.decode()
    assert "De lijst is vervangen: 7 inwoners zijn nu bekend bij schuldhulpverlening." in page
    assert 'data-testid="current-count">7<' in page
    assert "Henk Behandelaar" in page
    assert "schuldhulp.csv" in page
    for number in BSNS:
        assert number not in page
    assert known_at_debt_help(party_id=parties["utrecht"].pk, bsns=BSNS) == set(BSNS)


def test_r17_a_refused_file_lists_the_lines_without_their_numbers_and_keeps_the_old_list(parties):
    client = client_for(parties["utrecht_contact"])
    post_file(client, bsn_csv(BSNS[:3]))
    wrong = invalid_bsn(BSNS[4])
    response = post_file(client, bsn_csv([BSNS[3], wrong, "12"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Het bestand is geweigerd: 2 problemen. Er is niets vervangen; de vorige lijst blijft gelden." in page
    assert "Regel 3: geen geldig burgerservicenummer (elfproef)." in page
    assert "Regel 4: geen burgerservicenummer (8 of 9 cijfers nodig, hier 2)." in page
    assert wrong not in page
    assert BSNS[3] not in page
    assert 'data-testid="current-count">3<' in page
    assert known_at_debt_help(party_id=parties["utrecht"].pk, bsns=BSNS) == set(BSNS[:3])


def test_r17_no_file_chosen(parties):
    response = client_for(parties["utrecht_contact"]).post(URL, {}, follow=True)
    assert "Kies eerst het bestand met burgerservicenummers." in response.content.decode()
    assert not DebtHelpList.objects.exists()


def test_bounds_a_body_far_over_the_limit_is_refused_before_it_is_read(parties):
    response = client_for(parties["utrecht_contact"]).post(
        URL, {"bestand": SimpleUploadedFile("groot.csv", b"1" * (MAX_BYTES + 200_000))}
    )
    assert response.status_code == 413
    assert not DebtHelpList.objects.exists()


def test_bounds_a_file_just_over_the_limit_is_refused_by_the_check(parties):
    response = post_file(client_for(parties["utrecht_contact"]), b"\n" * 10 + b" " * MAX_BYTES)
    assert response.status_code == 400
    assert "Het bestand is groter dan 5 MB." in response.content.decode()
    assert not DebtHelpList.objects.exists()


def test_r17_another_municipality_sees_and_changes_only_its_own_list(parties):
    post_file(client_for(parties["utrecht_contact"]), bsn_csv(BSNS), name="utrecht-lijst.csv")
    zeist = client_for(parties["zeist_contact"])
    page = zeist.get(URL).content.decode()
    assert 'data-testid="no-list"' in page
    assert "utrecht-lijst.csv" not in page
    assert "Carla Contact" not in page
    post_file(zeist, bsn_csv(BSNS[:1]))
    assert known_at_debt_help(party_id=parties["utrecht"].pk, bsns=BSNS) == set(BSNS)
    assert known_at_debt_help(party_id=parties["zeist"].pk, bsns=BSNS) == {BSNS[0]}


def test_r17_a_joint_arrangement_keeps_its_own_list(parties):
    client = client_for(parties["arrangement_handler"])
    post_file(client, bsn_csv(BSNS[:2]))
    assert 'data-testid="current-count">2<' in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("water_contact", 404),  # a signal partner has no such page
        ("utrecht_signatory", 403),
        ("utrecht_analyst", 403),
    ],
)
def test_r17_nobody_else_sees_or_uploads(parties, who, status):
    post_file(client_for(parties["utrecht_contact"]), bsn_csv(BSNS), name="utrecht-lijst.csv")
    client = client_for(parties[who])
    response = client.get(URL)
    assert response.status_code == status
    assert "utrecht-lijst.csv" not in response.content.decode()
    assert post_file(client, bsn_csv(BSNS[:1])).status_code == status
    assert DebtHelpList.objects.count() == 1


def test_the_start_page_shows_the_list_to_contact_and_handlers(parties):
    post_file(client_for(parties["utrecht_contact"]), bsn_csv(BSNS))
    home = client_for(parties["utrecht_handler"]).get(reverse("portal:home")).content.decode()
    assert "7 inwoners." in home
    assert 'href="/schuldhulp/"' in home
    for number in BSNS:
        assert number not in home
    partner_home = client_for(parties["water_contact"]).get(reverse("portal:home")).content.decode()
    assert 'href="/schuldhulp/"' not in partner_home
    analyst_home = client_for(parties["utrecht_analyst"]).get(reverse("portal:home")).content.decode()
    assert 'href="/schuldhulp/"' not in analyst_home
