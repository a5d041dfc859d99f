"""Work trays: every party's own triage rules sort its untouched cases, in one run for all parties."""

from __future__ import annotations

from lcv.cases.models import Case, Tray, TriageRule
from lcv.cases.triage import default_trays_of


def tray_of(postcode: str, number: int) -> str:
    case = Case.objects.get(postcode=postcode, house_number=number, is_open=True)
    return case.tray.name if case.tray else ""


def trays_by_address() -> dict[tuple[str, int], str]:
    return {(c.postcode, c.house_number): c.tray.name if c.tray else "" for c in Case.objects.select_related("tray")}


def test_default_trays_sort_by_urgency_multiple_creditors_and_age(chain):
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, huisnummer="1", klantnummer="W-1", crisis="ja"),
            chain.signal(chain.water, huisnummer="2", klantnummer="W-2"),
            chain.signal(chain.water, huisnummer="3", klantnummer="W-3", geboortedatum="01-01-2005"),
            chain.signal(chain.water, huisnummer="4", klantnummer="W-4", geboortedatum="01-01-1960"),
        ],
    )
    chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="2", klantnummer="E-2")])
    assert tray_of("3511AB", 1) == "Crisis en afsluiting"
    assert tray_of("3511AB", 2) == "Meerdere schuldeisers"
    assert tray_of("3511AB", 3) == "Jongeren tot 27 jaar"
    assert tray_of("3511AB", 4) == "Eén signaal"


def test_each_party_is_sorted_by_its_own_rules_in_the_same_run(chain):
    default_trays_of([chain.utrecht.pk, chain.zeist.pk])
    big = Tray.objects.create(municipal_party=chain.zeist, name="Grote bedragen", approach="home_visit", position=0)
    TriageRule.objects.create(municipal_party=chain.zeist, tray=big, position=0, amount_above=200)
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, huisnummer="5", klantnummer="W-5", bedrag="245,50"),
            chain.signal(chain.water, postcode="3701AA", huisnummer="5", klantnummer="W-6", bedrag="245,50"),
            chain.signal(chain.water, postcode="3701AA", huisnummer="6", klantnummer="W-7", bedrag="50,00"),
        ],
    )
    assert tray_of("3511AB", 5) == "Eén signaal"  # Utrecht has no amount rule
    assert tray_of("3701AA", 5) == "Grote bedragen"
    assert tray_of("3701AA", 6) == "Eén signaal"


def test_a_case_in_someones_hands_is_not_moved_by_a_new_signal(chain):
    from lcv.cases import services

    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    case = chain.open_case()
    services.assign(case_id=case.pk, handler=chain.handler, actor=chain.handler)
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")])
    assert tray_of("3511AB", 12) == "Eén signaal"


def test_a_new_case_gets_the_tray_that_sorting_again_gives_for_rules_of_every_kind(chain):
    """A case made by grouping gets its tray from the rules over its household's figures (in the
    INSERT); re-sorting applies the same rules to the stored case. Both must choose the same tray,
    for every kind of condition."""
    from lcv.cases.triage import sort_into_trays

    default_trays_of([chain.utrecht.pk])
    TriageRule.objects.filter(municipal_party=chain.utrecht).delete()
    names = ("Groot en ouder", "Water in 3512", "Meervoudig zonder crisis", "Urgent")
    trays = [
        Tray.objects.create(municipal_party=chain.utrecht, name=name, approach="phone", position=10 + n)
        for n, name in enumerate(names)
    ]
    rules: tuple[dict[str, object], ...] = (
        {"under_27": False, "amount_above": 300},
        {"sector": "water", "postcode_from": 3512, "postcode_to": 3512},
        {"multiple": True, "urgent": False},
        {"urgent": True},
    )
    for position, (tray, conditions) in enumerate(zip(trays, rules, strict=True)):
        TriageRule.objects.create(municipal_party=chain.utrecht, tray=tray, position=position, **conditions)
    last = Tray.objects.create(municipal_party=chain.utrecht, name="Overig", approach="card", position=20).name
    water = chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, huisnummer="1", klantnummer="W-1", bedrag="400,00", geboortedatum="01-01-1960"),
            chain.signal(chain.water, huisnummer="2", klantnummer="W-2", bedrag="400,00", geboortedatum="01-01-2005"),
            chain.signal(chain.water, postcode="3512AA", huisnummer="3", klantnummer="W-3", bedrag="50,00"),
            chain.signal(chain.water, huisnummer="4", klantnummer="W-4", bedrag="50,00"),
            chain.signal(chain.water, huisnummer="5", klantnummer="W-5", bedrag="50,00", crisis="ja"),
            chain.signal(chain.water, huisnummer="6", klantnummer="W-6", bedrag="300,00", geboortedatum="01-01-1960"),
            chain.signal(chain.water, huisnummer="7", klantnummer="W-7", bedrag="900,00", geboortedatum=""),
        ],
        group=False,
    )
    energy = chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="4", klantnummer="E-4")], group=False)
    from lcv.cases.grouping import group_deliveries

    group_deliveries([water.pk, energy.pk])  # one run: every case is made by the INSERT
    made = trays_by_address()
    assert made == {
        ("3511AB", 1): "Groot en ouder",
        ("3511AB", 2): last,  # young: no rule fits
        ("3512AA", 3): "Water in 3512",
        ("3511AB", 4): "Meervoudig zonder crisis",
        ("3511AB", 5): "Urgent",
        ("3511AB", 6): last,  # 300 is not above 300
        ("3511AB", 7): "Groot en ouder",  # no birth date: not known to be under 27
    }
    Case.objects.update(tray=None)
    sort_into_trays(Case.objects.all())
    assert trays_by_address() == made


def test_grouping_fills_every_named_input_that_a_stored_case_has():
    """Score and rules are written over named inputs: the household's figures in grouping must
    offer exactly the names a stored case offers, or a rule would mean another thing there."""
    from lcv.cases.grouping import _inputs
    from lcv.cases.inputs import COLUMNS

    assert set(_inputs("a", threatening="FALSE")) == set(COLUMNS)
