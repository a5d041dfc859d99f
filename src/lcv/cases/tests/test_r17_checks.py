"""R17: the BRP check (identity and residence) and the debt-help check, and no other source about
residents."""

from __future__ import annotations

import pytest
from django.apps import apps

from lcv.brp.demo_residents import DEMO_RESIDENTS
from lcv.brp.models import BrpQuery
from lcv.brp.testservice import start_test_service
from lcv.cases import brp_check
from lcv.cases.models import BrpStatus, Case, CasePerson
from lcv.cases.outcomes import Outcome
from lcv.testing.signals import postcode

KEY = "test-sleutel"


@pytest.fixture
def brp(settings):
    with start_test_service(api_key=KEY, residents=DEMO_RESIDENTS) as service:
        settings.BRP_BASE_URL = service.base_url
        settings.BRP_API_KEY = KEY
        settings.BRP_TIMEOUT_SECONDS = 2
        yield service


@pytest.fixture
def no_brp(settings):
    settings.BRP_BASE_URL = ""


def deliver_one(chain, **values) -> Case:
    address = {"postcode": values.pop("postcode"), "huisnummer": values.pop("huisnummer")}
    chain.deliver(chain.water, [chain.signal(chain.water, **address, **values)])
    return Case.objects.get(postcode=address["postcode"], house_number=int(address["huisnummer"]))


def test_r17_a_matching_resident_gives_the_person_a_bsn_and_every_query_is_recorded(chain, brp):
    case = deliver_one(
        chain,
        postcode="3511AB",
        huisnummer="12",
        toevoeging="B",
        voorletters="S.",
        achternaam="Bakker",
        tussenvoegsel="",
        geboortedatum="14-03-1981",
    )
    assert case.brp_status == BrpStatus.PENDING
    assert brp_check.check_party(chain.utrecht.pk, workers=1) == {BrpStatus.MATCHED: 1}
    case.refresh_from_db()
    person = case.persons.get()
    assert (case.brp_status, person.brp_status, person.bsn) == (BrpStatus.MATCHED, BrpStatus.MATCHED, "999990007")
    queries = list(BrpQuery.objects.values_list("job", "reference", "query_type"))
    assert queries == [("brp-controle", f"zaak {case.pk}", "ZoekMetPostcodeEnHuisnummer")]
    assert list(case.events.values_list("event", flat=True))[-1] == "brp_checked"


def test_r17_two_people_of_one_name_and_no_birth_date_go_to_the_mismatch_list(chain, brp):
    case = deliver_one(
        chain,
        postcode="3511AB",
        huisnummer="12",
        toevoeging="B",
        voorletters="S.",
        achternaam="Bakker",
        tussenvoegsel="",
        geboortedatum="",
    )
    brp_check.check_party(chain.utrecht.pk, workers=1)
    case.refresh_from_db()
    assert case.brp_status == BrpStatus.MISMATCH
    assert case.persons.get().bsn == ""


def test_r17_a_resident_who_moved_away_proposes_not_resident(chain, brp):
    postcode("3511BB", "0344")
    case = deliver_one(
        chain,
        postcode="3511BB",
        huisnummer="21",
        toevoeging="",
        voorletters="A.",
        achternaam="Meijer",
        tussenvoegsel="",
        geboortedatum="30-01-1964",
    )
    brp_check.check_party(chain.utrecht.pk, workers=1)
    case.refresh_from_db()
    assert (case.brp_status, case.proposed_outcome) == (BrpStatus.NOT_RESIDENT, Outcome.NOT_RESIDENT)


def test_r17_an_unavailable_brp_leaves_the_case_waiting_and_it_is_checked_later(chain, brp, settings):
    case = deliver_one(
        chain,
        postcode="3511AB",
        huisnummer="12",
        toevoeging="B",
        voorletters="S.",
        achternaam="Bakker",
        tussenvoegsel="",
        geboortedatum="14-03-1981",
    )
    real = settings.BRP_BASE_URL
    settings.BRP_BASE_URL = "http://127.0.0.1:9"  # nothing listens here
    assert brp_check.check_party(chain.utrecht.pk, workers=1) == {BrpStatus.RETRYING: 1}
    case.refresh_from_db()
    assert (case.brp_status, case.brp_attempts) == (BrpStatus.RETRYING, 1)
    assert str(case.get_brp_status_display()) == "BRP niet bereikbaar, wordt opnieuw geprobeerd"
    assert brp_check.pause(1) < brp_check.pause(3) <= brp_check.MAX_PAUSE
    settings.BRP_BASE_URL = real
    # not before its pause is over
    assert brp_check.check_party(chain.utrecht.pk, workers=1) == {}
    assert brp_check.parties_to_retry() == []
    assert case.brp_retry_at is not None
    Case.objects.filter(pk=case.pk).update(brp_retry_at=case.brp_retry_at - brp_check.pause(1))
    assert brp_check.parties_to_retry() == [chain.utrecht.pk]
    assert brp_check.check_party(chain.utrecht.pk, workers=1) == {BrpStatus.MATCHED: 1}


def test_r17_without_a_brp_the_check_is_off(chain, no_brp):
    case = deliver_one(chain, postcode="3511AB", huisnummer="12")
    assert case.brp_status == BrpStatus.OFF
    assert set(case.persons.values_list("brp_status", flat=True)) == {BrpStatus.OFF}


def test_r17_a_party_can_switch_the_check_off(chain, brp):
    from lcv.cases.models import CaseSettings

    CaseSettings.objects.filter(municipal_party=chain.utrecht).update(brp_check=False)
    case = deliver_one(chain, postcode="3511AB", huisnummer="12")
    assert case.brp_status == BrpStatus.OFF


def test_r17_a_bsn_known_at_debt_help_proposes_that_outcome(chain, brp):
    case = deliver_one(
        chain,
        postcode="3511AB",
        huisnummer="12",
        toevoeging="B",
        voorletters="S.",
        achternaam="Bakker",
        tussenvoegsel="",
        geboortedatum="14-03-1981",
    )
    brp_check.check_party(chain.utrecht.pk, workers=1, known=lambda party, bsns: {b for b in bsns if b == "999990007"})
    case.refresh_from_db()
    assert case.proposed_outcome == Outcome.KNOWN_DEBT_HELP
    assert case.persons.get().known_at_debt_help


# The models that hold data about residents, and nothing else: the BRP answer is kept only as the
# person's BSN, the debt-help list only as keyed hashes. A new source of resident data (a model
# with such fields) fails this test until it is argued for here.
RESIDENT_FIELDS = {"bsn", "surname", "birth_date", "initials", "bsn_hash"}
ALLOWED = {"signals.signal", "cases.caseperson", "debthelp.debthelpentry"}


def test_r17_no_other_data_source_about_residents_exists_in_the_model():
    holders = {
        model._meta.label_lower
        for model in apps.get_models()
        if RESIDENT_FIELDS & {field.name for field in model._meta.get_fields()}
    }
    assert holders <= ALLOWED, holders - ALLOWED
    assert "signals.signal" in holders
    assert "cases.caseperson" in holders
    assert not any(f.name in RESIDENT_FIELDS for f in BrpQuery._meta.get_fields())
    assert CasePerson._meta.get_field("bsn").max_length == 9
