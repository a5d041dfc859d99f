"""§4: the municipal party's contact sees who opened which of its cases when; the helpdesk sees all
rows but none of a case's contents; nobody else sees the log."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lcv.cases.models import CaseAccess
from lcv.cases.tests.settings_support import client_for, contact_of
from lcv.organisations.models import OrganisationKind
from lcv.testing.factories import make_organisation, member

URL = reverse("case_settings:access_log")


def _two_logged_cases(chain):
    chain.deliver(
        chain.water, [chain.signal(chain.water), chain.signal(chain.water, postcode="3701AA", huisnummer="4")]
    )
    utrecht_case = chain.open_case()
    zeist_case = chain.open_case("3701AA", 4)
    zeist_handler = member(chain.zeist, "handler", email="h@zeist.nl", full_name="Zef Zeist")
    CaseAccess.objects.create(case=utrecht_case, user=chain.handler, organisation=chain.utrecht, what="case")
    CaseAccess.objects.create(case=zeist_case, user=zeist_handler, organisation=chain.zeist, what="person")
    return utrecht_case, zeist_case


def _rows(body: str) -> list[str]:
    return body.split('data-testid="access-row"')[1:]


def test_the_contact_sees_who_opened_its_own_cases_and_not_another_municipalitys(chain):
    utrecht_case, _zeist_case = _two_logged_cases(chain)
    body = client_for(contact_of(chain.utrecht)).get(URL).content.decode()
    rows = _rows(body)
    assert len(rows) == 1
    assert "Bea Handel" in rows[0]
    assert "Gemeente Utrecht" in rows[0]
    assert f">{utrecht_case.pk}<" in rows[0]
    assert "Zaak geopend" in rows[0]
    assert "Zef Zeist" not in body


def test_the_log_filters_by_person_and_period(chain):
    utrecht_case, _zeist = _two_logged_cases(chain)
    colleague = member(chain.utrecht, "handler", email="c@utrecht.nl", full_name="Cor Collega")
    old = CaseAccess.objects.create(case=utrecht_case, user=colleague, organisation=chain.utrecht, what="letter")
    CaseAccess.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    client = client_for(contact_of(chain.utrecht))
    assert len(_rows(client.get(URL, {"persoon": "cor"}).content.decode())) == 1
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    rows = _rows(client.get(URL, {"van": since}).content.decode())
    assert len(rows) == 1
    assert "Bea Handel" in rows[0]


def test_the_helpdesk_sees_every_row_but_no_case_contents(chain):
    _two_logged_cases(chain)
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    body = client_for(member(platform, "helpdesk")).get(URL).content.decode()
    assert len(_rows(body)) == 2
    assert "Bea Handel" in body
    assert "Zef Zeist" in body
    for personal in ("Berg", "3511", "Oudegracht", "245"):
        assert personal not in body


def test_handlers_analysts_and_other_kinds_cannot_see_the_log(chain):
    _two_logged_cases(chain)
    partner = make_organisation(name="Ander Water", sector="water")
    for user in (chain.handler, member(chain.utrecht, "analyst"), member(partner, "contact")):
        response = client_for(user).get(URL)
        assert response.status_code == 403
        assert "Bea Handel" not in response.content.decode()
