"""The helpdesk's audit log in words: what happened, to what, and filters without codes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from lcv.audit.labels import ACTION_LABELS, OBJECT_LABELS
from lcv.audit.models import AuditEvent
from lcv.audit.services import record
from lcv.organisations.models import OrganisationKind
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2]  # src/lcv
# The values an f-string action can take: where the code builds the action from a variable.
EXPANSIONS = {
    "account.password_set.{purpose}": ("invitation", "reset"),  # accounts.views._LINKS
    "addendum.{addendum.status}": ("accepted", "declined"),  # addenda.decide
    "agreements.local_covenant_{event}": ("confirmed", "declined"),  # local_covenants.decide
}
RECORD = re.compile(r"\brecord\(\s*action=(f?)\"([^\"]+)\"")


def recorded_actions() -> set[str]:
    actions: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for is_f, action in RECORD.findall(path.read_text(encoding="utf-8")):
            if is_f:
                assert action in EXPANSIONS, f"{path}: add the values of {action!r} to EXPANSIONS and labels.py"
                actions.update(re.sub(r"\{[^}]+\}", value, action) for value in EXPANSIONS[action])
            else:
                actions.add(action)
    return actions


def test_every_action_the_code_records_has_dutch_words():
    actions = recorded_actions()
    assert len(actions) > 40  # the scan found the calls
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"add a Dutch label in lcv/audit/labels.py for {missing}"


def test_the_f_string_values_are_the_real_ones():
    from lcv.accounts.views import _LINKS
    from lcv.agreements.models import AddendumStatus

    assert set(EXPANSIONS["account.password_set.{purpose}"]) == set(_LINKS)
    decided = {s.value for s in AddendumStatus} - {AddendumStatus.PROPOSED.value}
    assert set(EXPANSIONS["addendum.{addendum.status}"]) == decided


def platform():
    return make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)


@pytest.fixture
def helpdesk_client(client):
    login_verified(client, member(platform(), "helpdesk"))
    return client


def rows(content: str) -> list[str]:
    cells = re.findall(r'<tr [^>]*data-testid="audit-row"[^>]*>(.*?)</tr>', content, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def test_the_log_shows_actions_and_objects_in_words(helpdesk_client):
    organisation = make_organisation(name="Woonstad Noord")
    person = member(organisation, "contact", full_name="Jan Jansen")
    record(action="account.second_factor_passed", actor=person, obj=person)
    AuditEvent.objects.create(action="agreements.end_given", object_type="agreements.agreement", object_id="12")
    record(action="organisation.created", obj=organisation)
    AuditEvent.objects.create(action="legacy.something_old", object_type="legacy.thing", object_id="7")
    content = helpdesk_client.get(reverse("audit:log")).content.decode()
    shown = rows(content)
    assert len(shown) == 5  # and, oldest, the helpdesk's own login
    assert "Andere handeling" in shown[0]
    assert "Gegeven nr. 7" in shown[0]
    assert "Organisatie aangemaakt" in shown[1]
    assert "Organisatie Woonstad Noord" in shown[1]
    assert "Overeenkomst opgezegd" in shown[2]
    assert "Overeenkomst 12" in shown[2]
    assert "Tweede factor gebruikt bij inloggen" in shown[3]
    assert "Account van Jan Jansen" in shown[3]
    for code in ("account.second_factor_passed", "accounts.user", "agreements.", "legacy.", "organisation.created"):
        assert code not in " ".join(shown)


def test_the_filters_are_words_not_codes(helpdesk_client):
    content = helpdesk_client.get(reverse("audit:log")).content.decode()
    select = re.search(r'<select name="handeling".*?</select>', content, re.S)
    assert select is not None
    options = re.findall(r"<option value=\"([^\"]*)\"[^>]*>(.*?)</option>", select.group(0))
    assert ("", "Alle handelingen") in options
    assert ("account.second_factor_passed", "Tweede factor gebruikt bij inloggen") in options
    assert len(options) == len(ACTION_LABELS) + 1
    assert not [label for _value, label in options if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", label)]
    assert 'name="handeling" type="text"' not in content  # no free-text code
    assert 'name="organisatie"' in content
    assert 'name="van" ' in content
    assert 'name="tot" ' in content


def test_filters_by_action_organisation_and_period(helpdesk_client):
    north = make_organisation(name="Woonstad Noord")
    south = make_organisation(name="Water Zuid")
    record(action="organisation.created", organisation=north, obj=north)
    record(action="organisation.created", organisation=south, obj=south)
    record(action="account.logged_in", organisation=south)
    log = reverse("audit:log")

    shown = rows(helpdesk_client.get(log, {"handeling": "organisation.created"}).content.decode())
    assert len(shown) == 2
    assert all("Organisatie aangemaakt" in row for row in shown)

    shown = rows(helpdesk_client.get(log, {"organisatie": "zuid"}).content.decode())
    assert len(shown) == 2
    assert all("Water Zuid" in row for row in shown)

    today = timezone.localdate()
    assert len(rows(helpdesk_client.get(log, {"van": today.isoformat(), "tot": today.isoformat()}).content.decode()))
    tomorrow = (today + timedelta(days=1)).isoformat()
    content = helpdesk_client.get(log, {"van": tomorrow}).content.decode()
    assert rows(content) == []
    assert "Geen gebeurtenissen gevonden." in content

    content = helpdesk_client.get(log, {"van": tomorrow, "tot": today.isoformat()}).content.decode()
    assert "Kies een latere datum" in content


def test_every_object_kind_that_is_recorded_has_words():
    from django.apps import apps

    for label in OBJECT_LABELS:
        apps.get_model(label)  # a renamed model would leave its words behind
