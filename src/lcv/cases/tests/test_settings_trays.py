"""Work trays and triage rules, edited by the municipal party's contact: rules in Dutch words, in
order; after each change the untouched open cases are sorted again; a tray with cases is deleted
only when its cases go elsewhere."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lcv.audit.models import AuditEvent
from lcv.cases import services, triage
from lcv.cases.models import Case, Mandate, Tray, TriageRule
from lcv.cases.tests.settings_support import client_for, contact_of, executor, three_cases
from lcv.cases.tray_services import describe
from lcv.testing.factories import municipality_organisation

TRAYS = reverse("case_settings:trays")
NEW_RULE = reverse("case_settings:rule_new")


def _rule(tray: Tray, **conditions: str) -> dict[str, str]:
    empty = {"multiple": "", "urgent": "", "sector": "", "amount_above": "", "under_27": ""}
    return {**empty, "postcode_from": "", "postcode_to": "", "tray": str(tray.pk), **conditions}


def test_a_new_municipality_starts_with_the_default_trays_and_sees_its_rules_in_words(db):
    party = municipality_organisation("0363")
    body = client_for(contact_of(party)).get(TRAYS).content.decode()
    names = list(Tray.objects.filter(municipal_party=party).values_list("name", flat=True))
    assert names == [str(name) for name, _approach, _rule in triage.DEFAULT_TRAYS]
    for name in names:
        assert name in body
    assert "meerdere sectoren" in body
    assert "crisis, afsluiting of bedreigend" in body
    assert "(vangt de rest op)" in body


def test_rules_are_described_in_dutch_words(db):
    rule = TriageRule(multiple=True, amount_above=500, sector="water", postcode_from=3511, postcode_to=3529)
    assert describe(rule) == "meerdere sectoren · sector drinkwater · bedrag boven € 500 · postcode 3511 t/m 3529"
    assert describe(TriageRule(under_27=True, urgent=False)) == "geen crisis of afsluiting · iemand jonger dan 27"


def test_a_new_rule_sorts_the_untouched_open_cases_again_but_not_a_case_in_hand(chain):
    one, two, _three = three_cases(chain)
    contact = contact_of(chain.utrecht)
    services.assign(case_id=one.pk, handler=chain.handler, actor=chain.handler)
    Case.objects.filter(pk=one.pk).update(total_euros=5000)
    big = Tray.objects.create(municipal_party=chain.utrecht, name="Grote bedragen", approach="home_visit", position=9)
    response = client_for(contact).post(NEW_RULE, _rule(big, amount_above="1000"))
    assert response.status_code == 302
    # the new rule comes last: the household with 2.700 euros is meervoudig, and the earlier rule
    # "meerdere sectoren" decides first
    assert Case.objects.get(pk=two.pk).tray == Tray.objects.get(name="Meerdere schuldeisers")
    rule = TriageRule.objects.get(tray=big)
    # moved to the top, it decides first
    for _step in range(TriageRule.objects.filter(municipal_party=chain.utrecht).count()):
        client_for(contact).post(reverse("case_settings:rule_move", args=[rule.pk]), {"richting": "omhoog"})
    assert TriageRule.objects.filter(municipal_party=chain.utrecht).order_by("position").first() == rule
    assert Case.objects.get(pk=two.pk).tray == big
    assert Case.objects.get(pk=one.pk).tray != big  # in someone's hands: stays where it is
    assert AuditEvent.objects.filter(action="cases.tray_changed", actor=contact).count() >= 2
    body = client_for(contact).get(TRAYS).content.decode()
    assert body.index("bedrag boven € 1.000") < body.index("meerdere sectoren")


def test_a_rule_needs_a_condition_and_a_postcode_area_in_order(chain):
    tray = triage.ensure_default_trays(chain.utrecht)[0]
    client = client_for(contact_of(chain.utrecht))
    body = client.post(NEW_RULE, _rule(tray)).content.decode()
    assert "Kies minstens één voorwaarde." in body
    body = client.post(NEW_RULE, _rule(tray, postcode_from="3600", postcode_to="3511")).content.decode()
    assert "Deze postcode ligt vóór de postcode bij &#x27;vanaf&#x27;." in body
    assert 'value="3600"' in body
    body = client.post(NEW_RULE, _rule(tray, postcode_from="123")).content.decode()
    assert "Vul een heel getal in van 1000 tot en met 9999." in body
    assert TriageRule.objects.filter(municipal_party=chain.utrecht).count() == 3


def test_a_tray_with_cases_is_deleted_only_when_its_cases_go_to_a_chosen_tray(chain):
    three_cases(chain)
    single = Tray.objects.get(municipal_party=chain.utrecht, name="Eén signaal")
    count = single.cases.count()
    assert count > 0
    client = client_for(contact_of(chain.utrecht))
    url = reverse("case_settings:tray_delete", args=[single.pk])
    page = client.get(url).content.decode()
    assert "Kies een werkbak" in page
    body = client.post(url, {"move_to": ""}).content.decode()
    assert "Er staan zaken in deze werkbak. Kies de werkbak waar ze naartoe gaan." in body
    assert Tray.objects.filter(pk=single.pk).exists()
    target = Tray.objects.get(municipal_party=chain.utrecht, name="Jongeren tot 27 jaar")
    assert client.post(url, {"move_to": str(target.pk)}).status_code == 302
    assert not Tray.objects.filter(pk=single.pk).exists()
    # the last tray now catches the rest: every untouched case has a tray again
    assert not Case.objects.filter(municipal_party=chain.utrecht, tray__isnull=True).exists()


def test_a_tray_named_in_a_running_mandate_cannot_be_deleted(chain):
    three_cases(chain)
    tray = Tray.objects.get(municipal_party=chain.utrecht, name="Meerdere schuldeisers")
    mandate = Mandate.objects.create(
        municipal_party=chain.utrecht,
        executor=executor(),
        valid_from=timezone.localdate() - timedelta(days=1),
        created_by=chain.handler,
    )
    mandate.trays.set([tray])
    other = Tray.objects.get(municipal_party=chain.utrecht, name="Eén signaal")
    body = (
        client_for(contact_of(chain.utrecht))
        .post(reverse("case_settings:tray_delete", args=[tray.pk]), {"move_to": str(other.pk)})
        .content.decode()
    )
    assert "Het mandaat voor Welzijn Plus noemt deze werkbak." in body
    assert Tray.objects.filter(pk=tray.pk).exists()


def test_a_tray_can_be_renamed_but_not_to_a_name_in_use(chain):
    tray = triage.ensure_default_trays(chain.utrecht)[0]
    client = client_for(contact_of(chain.utrecht))
    url = reverse("case_settings:tray_edit", args=[tray.pk])
    body = client.post(url, {"name": "Eén signaal", "approach": "phone"}).content.decode()
    assert "Er is al een werkbak met de naam" in body
    assert client.post(url, {"name": "Spoed", "approach": "phone"}).status_code == 302
    assert Tray.objects.get(pk=tray.pk).name == "Spoed"


def test_another_municipalitys_contact_cannot_see_or_change_these_trays(chain):
    tray = triage.ensure_default_trays(chain.utrecht)[0]
    rule = TriageRule.objects.filter(municipal_party=chain.utrecht).first()
    assert rule is not None
    client = client_for(contact_of(chain.zeist))
    assert reverse("case_settings:tray_edit", args=[tray.pk]) not in client.get(TRAYS).content.decode()
    assert client.get(reverse("case_settings:tray_edit", args=[tray.pk])).status_code == 404
    assert client.post(reverse("case_settings:tray_delete", args=[tray.pk]), {}).status_code == 404
    assert client.post(reverse("case_settings:rule_delete", args=[rule.pk])).status_code == 404
    assert client.post(NEW_RULE, _rule(tray, amount_above="10")).status_code == 200  # not its tray: no choice
    assert TriageRule.objects.filter(municipal_party=chain.zeist, tray=tray).count() == 0
    assert Tray.objects.filter(pk=tray.pk).exists()
    assert TriageRule.objects.filter(pk=rule.pk).exists()


def test_a_handler_cannot_edit_trays_or_rules(chain):
    tray = triage.ensure_default_trays(chain.utrecht)[0]
    client = client_for(chain.handler)
    assert client.get(TRAYS).status_code == 403
    assert client.post(NEW_RULE, _rule(tray, amount_above="10")).status_code == 403
    assert TriageRule.objects.filter(municipal_party=chain.utrecht).count() == 3
