"""R10-R15, each rule with tests named after it that fail when the rule is broken."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from lcv.agreements.models import Addendum, AddendumStatus, Agreement, AgreementStatus
from lcv.agreements.reference import current_template
from lcv.organisations.models import OrganisationKind, Sector, SignalSystem
from lcv.signals.intake import receive_file
from lcv.signals.models import RowError, Signal, SignalKind, SignalType
from lcv.signals.processing import process_delivery
from lcv.testing.factories import make_organisation, member
from lcv.testing.signals import activate_all, csv_bytes, postcode, row

pytestmark = pytest.mark.django_db


def deliver(organisation, rows, actor=None):
    received = receive_file(
        organisation=organisation,
        actor=actor or member(organisation, "deliverer"),
        file_name="s.csv",
        content=csv_bytes(rows),
    )
    return process_delivery(received.delivery.pk)


def errors_of(delivery):
    return [(e.row_number, e.field, e.message) for e in RowError.objects.filter(delivery=delivery)]


def days_ago(n: int) -> str:
    return (date(2026, 3, 22) - timedelta(days=n)).strftime("%d-%m-%Y")


# R10 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["parkeren", "garage", "gemeentelijke belastingen", "telefoon"])
def test_r10_only_the_six_types_exist(world, word):
    delivery = deliver(world["water"], [row(soort=word)])
    assert delivery.accepted == 0
    [(number, field, message)] = errors_of(delivery)
    assert (number, field) == (2, "soort")
    assert f"'{word}' is geen soort uit het convenant" in message


def test_r10_a_partner_signals_only_the_types_of_its_sector(world):
    delivery = deliver(world["water"], [row(soort="huur"), row(soort="gas"), row(soort="drinkwater")])
    assert (delivery.accepted, delivery.rejected) == (1, 2)
    messages = {number: message for number, field, message in errors_of(delivery) if field == "soort"}
    assert messages == {2: "uw organisatie mag alleen signaleren over: drinkwater"} | {
        3: "uw organisatie mag alleen signaleren over: drinkwater"
    }


def test_r10_an_energy_partner_signals_electricity_gas_and_heat(world, delivery_day):
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    activate_all(energy)
    delivery = deliver(
        energy, [row(soort="elektriciteit"), row(soort="gas"), row(soort="warmte"), row(soort="drinkwater")]
    )
    assert (delivery.accepted, delivery.rejected) == (3, 1)
    assert set(Signal.objects.values_list("signal_type", flat=True)) == {"electricity", "gas", "heat"}


# R11 ---------------------------------------------------------------------------------------------


def test_r11_attestations_are_required(world):
    delivery = deliver(world["water"], [row(mvi_toegepast="nee", persoonlijk_contact_gezocht="")])
    fields = {field for _, field, _ in errors_of(delivery)}
    assert fields == {"mvi_toegepast", "persoonlijk_contact_gezocht"}
    assert delivery.accepted == 0


def test_r11_rent_also_needs_a_written_reminder_and_no_objection(world, delivery_day):
    landlord = make_organisation(name="Woonstichting", sector=Sector.HOUSING, national_coverage=True)
    activate_all(landlord)
    delivery = deliver(
        landlord,
        [
            row(soort="huur", schriftelijke_herinnering="ja", geen_bezwaar_huurder="ja"),
            row(soort="huur", schriftelijke_herinnering="ja", geen_bezwaar_huurder="nee"),
            row(soort="huur"),
        ],
    )
    assert (delivery.accepted, delivery.rejected) == (1, 2)
    assert sorted((n, f) for n, f, _ in errors_of(delivery)) == [
        (3, "geen_bezwaar_huurder"),
        (4, "geen_bezwaar_huurder"),
        (4, "schriftelijke_herinnering"),
    ]
    signal = Signal.objects.get()
    assert (signal.written_reminder_sent, signal.tenant_did_not_object) == (True, True)


def test_r11_days_of_arrears_at_least_the_window_of_the_governing_agreement(world):
    delivery = deliver(world["water"], [row(achterstand_sinds=days_ago(29)), row(achterstand_sinds=days_ago(30))])
    assert (delivery.accepted, delivery.rejected) == (1, 1)
    [(number, field, message)] = errors_of(delivery)
    assert (number, field) == (2, "achterstand_sinds")
    assert "29 dagen achterstand; de overeenkomst staat signaleren toe vanaf 30 dagen" in message
    assert Signal.objects.get().days_in_arrears == 30


def test_r11_the_window_comes_from_the_agreements_own_template_version(world):
    """A later template version with a longer window does not change an agreement made earlier;
    an agreement made from it does use it."""
    agreement = Agreement.objects.get(municipal_party=world["zeist"], partner=world["water"])
    template = current_template()
    newer = type(template).objects.create(
        version=template.version + 1,
        title=template.title,
        template_name=template.template_name,
        windows={**template.windows, "water": {"min_days": 60, "max_days": None}},
    )
    Agreement.objects.filter(pk=agreement.pk).update(template=newer)
    delivery = deliver(
        world["water"],
        [row(achterstand_sinds=days_ago(45)), row(postcode="3701AA", huisnummer="1", achterstand_sinds=days_ago(45))],
    )
    assert (delivery.accepted, delivery.rejected) == (1, 1)
    [(number, _field, message)] = errors_of(delivery)
    assert number == 3
    assert "vanaf 60 dagen" in message


def test_r11_more_days_than_the_health_insurance_maximum_is_accepted_and_flagged(world, delivery_day):
    """Art. 3.1: health insurers signal between 30 and 100 days of arrears; a 400-day signal is not
    refused (the municipality judges it) but no longer admitted silently either."""
    insurer = make_organisation(name="Zorg Samen", sector=Sector.HEALTH_INSURANCE, national_coverage=True)
    activate_all(insurer)
    delivery = deliver(
        insurer,
        [
            row(soort="zorgverzekering", achterstand_sinds=days_ago(100), klantnummer="1"),
            row(soort="zorgverzekering", achterstand_sinds=days_ago(400), klantnummer="2"),
        ],
    )
    assert (delivery.accepted, delivery.flagged) == (2, 1)
    assert list(Signal.objects.order_by("row_number").values_list("beyond_window", flat=True)) == [False, True]
    # water has no maximum
    assert deliver(world["water"], [row(achterstand_sinds=days_ago(400))]).flagged == 0


def test_r11_the_municipalitys_minimum_amount_is_not_applied_at_intake(world):
    delivery = deliver(world["water"], [row(bedrag="0,01")])
    assert delivery.accepted == 1


# R12 ---------------------------------------------------------------------------------------------


def test_r12_the_delivery_address_decides(world):
    """The delivery address routes the signal; there is no postal-address column to route by."""
    delivery = deliver(world["water"], [row(postcode="3701AA", huisnummer="7", woonplaats="Utrecht")])
    assert delivery.accepted == 1
    signal = Signal.objects.get()
    assert signal.municipal_party == world["zeist"]
    assert (signal.postcode, signal.house_number) == ("3701AA", 7)


def test_r12_a_postal_address_column_cannot_be_delivered(world):
    received = receive_file(
        organisation=world["water"],
        actor=world["deliverer"],
        file_name="s.csv",
        content=csv_bytes([row()], header=[*row().keys(), "correspondentieadres"]),
    )
    delivery = process_delivery(received.delivery.pk)
    assert delivery.status == "unreadable"
    assert "correspondentieadres" in delivery.error


# R13 ---------------------------------------------------------------------------------------------


def test_r13_rows_are_accepted_only_under_an_active_agreement(world):
    delivery = deliver(
        world["water"],
        [
            row(postcode="3511AB"),  # Utrecht: active
            row(postcode="3811AA"),  # Amersfoort: agreement only a draft
            row(postcode="1011AA"),  # Amsterdam: not registered at all
            row(postcode="9999ZZ"),  # not in the postcode table
        ],
    )
    assert (delivery.accepted, delivery.rejected) == (1, 3)
    messages = {n: m for n, _f, m in errors_of(delivery)}
    assert messages[3] == "geen actieve overeenkomst met gemeente Amersfoort"
    assert messages[4] == "geen actieve overeenkomst met gemeente Amsterdam"
    assert "niet voor in de postcodetabel" in messages[5]


def test_r13_an_ended_agreement_admits_nothing(world):
    Agreement.objects.filter(municipal_party=world["utrecht"]).update(status=AgreementStatus.ENDED)
    delivery = deliver(world["water"], [row()])
    assert delivery.accepted == 0
    assert errors_of(delivery)[0][2] == "geen actieve overeenkomst met gemeente Utrecht"


@pytest.mark.parametrize(
    ("system", "label"), [(SignalSystem.VPS, "VPS (BKR)"), (SignalSystem.RIS, "xxllnc/RIS (Inforing)")]
)
def test_r13_a_municipality_that_chose_another_exchange_system_gets_nothing_here(world, system, label):
    """Issue 10: Utrecht chose VPS and still received signals here. The agreement names the exchange
    (art. 3.2); only under one naming LCV-portaal are rows admitted, the others are refused with the
    name of the system the municipality chose."""
    Agreement.objects.filter(municipal_party=world["utrecht"]).update(signal_system=system)
    delivery = deliver(world["water"], [row(), row(postcode="3701AA")])
    assert (delivery.accepted, delivery.rejected) == (1, 1)  # Zeist's agreement names LCV-portaal
    [(number, field, message)] = errors_of(delivery)
    assert (number, field) == (2, "postcode")
    assert message == (
        f"gemeente Utrecht ontvangt signalen via {label}, niet via LCV-portaal; lever dit signaal aan via dat systeem"
    )
    assert Signal.objects.get().municipal_party == world["zeist"]


def test_r13_the_agreement_decides_not_the_municipalitys_current_choice(world):
    """A change of system reaches an agreement only through an accepted addendum: until then the
    agreement's own choice governs intake."""
    world["utrecht"].signal_system = SignalSystem.VPS
    world["utrecht"].save()
    assert deliver(world["water"], [row()]).accepted == 1


def test_r13_no_signals_from_an_agreements_end_date_on(world):
    """Art. 9.3: from the end date no signals, also before the nightly job has ended the agreement."""
    received_on = date(2026, 3, 22)  # the `delivery_day` fixture
    Agreement.objects.filter(municipal_party=world["utrecht"]).update(ends_on=received_on)
    Agreement.objects.filter(municipal_party=world["zeist"]).update(ends_on=received_on + timedelta(days=1))
    delivery = deliver(world["water"], [row(), row(postcode="3701AA")])
    assert (delivery.accepted, delivery.rejected) == (1, 1)
    [(number, _field, message)] = errors_of(delivery)
    assert number == 2
    assert message.startswith("de overeenkomst met gemeente Utrecht is geëindigd per 22-03-2026")


def test_r13_a_cak_file_only_for_a_municipality_that_exchanges_here(world):
    from lcv.signals.intake import IntakeError

    world["utrecht"].signal_system = SignalSystem.RIS
    world["utrecht"].save()
    with pytest.raises(IntakeError, match="via xxllnc/RIS \\(Inforing\\), niet via LCV-portaal"):
        receive_file(
            organisation=world["utrecht"],
            actor=member(world["utrecht"], "handler"),
            file_name="cak.csv",
            content=csv_bytes([row(soort="zorgverzekering")]),
            cak=True,
        )


def test_r13_a_joint_arrangement_receives_for_its_members(world, delivery_day):
    from lcv.organisations.models import Municipality

    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Eemland", sector="", national_coverage=False, kvk_number=""
    )
    arrangement.municipalities.add(Municipality.objects.get(cbs_code="0307"))
    Agreement.objects.filter(municipal_party=world["amersfoort"]).delete()
    energy_free = world["water"]
    activate_all(energy_free)  # generates and activates the arrangement's agreement
    delivery = deliver(world["water"], [row(postcode="3811AA")])
    assert delivery.accepted == 1
    assert Signal.objects.get().municipal_party == arrangement


def test_r13_a_joint_arrangement_registered_later_takes_over_no_agreed_routing(world, delivery_day):
    """Issue 9: approving an arrangement that lists Utrecht moved Utrecht's rows to the arrangement,
    and partners with an active agreement with Utrecht itself got them refused. The row goes to the
    party that holds the active agreement with the partner."""
    from lcv.organisations.models import Municipality

    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Utrecht", sector="", national_coverage=False, kvk_number=""
    )
    arrangement.municipalities.add(Municipality.objects.get(cbs_code="0344"))
    delivery = deliver(world["water"], [row()])
    assert (delivery.accepted, delivery.rejected) == (1, 0)
    assert Signal.objects.get().municipal_party == world["utrecht"]


def test_r13_a_member_municipality_still_uploads_its_own_cak_file(world):
    """FAQ 29: every municipality may receive CAK signals, also as a member of an arrangement."""
    from lcv.organisations.models import Municipality

    arrangement = make_organisation(
        kind=OrganisationKind.JOINT_ARRANGEMENT, name="Regio Utrecht", sector="", national_coverage=False, kvk_number=""
    )
    arrangement.municipalities.add(Municipality.objects.get(cbs_code="0344"))
    received = receive_file(
        organisation=world["utrecht"],
        actor=member(world["utrecht"], "handler"),
        file_name="cak.csv",
        content=csv_bytes([row(soort="zorgverzekering"), row(postcode="3701AA", klantnummer="2")]),
        cak=True,
    )
    delivery = process_delivery(received.delivery.pk)
    assert (delivery.accepted, delivery.rejected) == (1, 1)  # its own address yes, Zeist's no
    assert Signal.objects.get().municipal_party == world["utrecht"]
    messages = [message for _number, _field, message in errors_of(delivery)]
    assert "het adres ligt in gemeente Zeist, niet in uw gemeente" in messages


def test_r13_house_number_ranges_split_a_postcode(world):
    postcode("3512AA", "0344", 1, 10)
    postcode("3512AA", "0355", 11, 20)
    deliver(world["water"], [row(postcode="3512AA", huisnummer="5"), row(postcode="3512AA", huisnummer="15")])
    assert list(Signal.objects.order_by("row_number").values_list("municipal_party", flat=True)) == [
        world["utrecht"].pk,
        world["zeist"].pk,
    ]


# R14 ---------------------------------------------------------------------------------------------


def test_r14_outside_the_20th_to_25th_is_accepted_and_flagged(world):
    with time_machine.travel(date(2026, 3, 26), tick=True):
        late = deliver(world["water"], [row(achterstand_sinds="01-01-2026")])
    assert (late.accepted, late.flagged) == (1, 1)
    assert Signal.objects.get(delivery=late).outside_delivery_moment
    on_time = deliver(world["water"], [row(achterstand_sinds="01-01-2026", klantnummer="2")])
    assert (on_time.accepted, on_time.flagged) == (1, 0)


def test_r14_an_addendum_sets_other_delivery_moments(world):
    agreement = Agreement.objects.get(municipal_party=world["utrecht"], partner=world["water"])
    Addendum.objects.create(
        agreement=agreement,
        proposed_by=world["water"],
        uploaded_by=world["deliverer"],
        description="Aanleveren op de 1e en 15e",
        pdf=b"%PDF-1.4 %%EOF",
        sha256="0" * 64,
        delivery_days="1,15",
        status=AddendumStatus.ACCEPTED,
    )
    with time_machine.travel(date(2026, 4, 15), tick=True):
        delivery = deliver(world["water"], [row(), row(postcode="3701AA", huisnummer="2")])
    flags = dict(Signal.objects.values_list("municipal_party", "outside_delivery_moment"))
    assert flags == {world["utrecht"].pk: False, world["zeist"].pk: True}
    assert delivery.flagged == 1


# R15 ---------------------------------------------------------------------------------------------


@pytest.fixture
def energy(world, delivery_day):
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    activate_all(energy)
    return energy


def test_r15_kinds_and_flags_are_kept(energy):
    deliver(
        energy,
        [
            row(soort="gas", type="vroegsignaal", crisis="ja", warme_overdracht="ja"),
            row(soort="gas", type="geactualiseerd"),
            row(soort="elektriciteit", type="afsluiting"),
        ],
    )
    signals = list(Signal.objects.order_by("row_number"))
    assert [s.kind for s in signals] == [SignalKind.EARLY, SignalKind.UPDATED, SignalKind.SHUT_OFF]
    assert (signals[0].crisis, signals[0].warm_transfer) == (True, True)
    assert (signals[1].crisis, signals[1].warm_transfer) == (False, False)


def test_r15_an_eindelevering_without_an_earlier_vroegsignaal_is_accepted_and_flagged(energy):
    first = deliver(energy, [row(soort="gas", type="eindelevering")])
    assert (first.accepted, first.flagged) == (1, 1)
    assert Signal.objects.get().without_earlier_signal
    # after a vroegsignaal for the address (here in an earlier row of the same file), not flagged
    second = deliver(
        energy,
        [
            row(soort="gas", type="vroegsignaal", postcode="3701AA", huisnummer="9"),
            row(soort="gas", type="eindelevering", postcode="3701AA", huisnummer="9", klantnummer="x"),
        ],
    )
    assert (second.accepted, second.flagged) == (2, 0)


def test_r15_the_earlier_vroegsignaal_must_be_from_the_same_partner(energy, world):
    other = make_organisation(name="Energie Twee", sector=Sector.ENERGY, national_coverage=True)
    activate_all(other)
    deliver(other, [row(soort="gas", type="vroegsignaal")])
    delivery = deliver(energy, [row(soort="gas", type="eindelevering")])
    assert delivery.flagged == 1


def test_r15_eindelevering_exists_only_for_energy_and_shut_off_not_for_health_insurance(world):
    delivery = deliver(world["water"], [row(type="eindelevering"), row(type="afsluiting")])
    assert (delivery.accepted, delivery.rejected) == (1, 1)
    [(number, field, _message)] = errors_of(delivery)
    assert (number, field) == (2, "type")
    assert Signal.objects.get().signal_type == SignalType.WATER


def test_r14_r15_shut_off_eindelevering_and_crisis_are_never_outside_the_delivery_moment(energy):
    """R15: a threatening situation is signalled without delay; on the 3rd of the month that is not
    'outside the delivery moment'. A plain vroegsignaal on that day still is."""
    with time_machine.travel(date(2026, 3, 3), tick=True):
        delivery = deliver(
            energy,
            [
                row(soort="gas", type="vroegsignaal", klantnummer="1"),
                row(soort="gas", type="afsluiting", klantnummer="2", postcode="3701AA", huisnummer="3"),
                row(soort="gas", type="eindelevering", klantnummer="3", postcode="3701AA", huisnummer="4"),
                row(soort="gas", type="vroegsignaal", crisis="ja", klantnummer="4", postcode="3701AA", huisnummer="5"),
            ],
        )
    outside = list(
        Signal.objects.filter(delivery=delivery)
        .order_by("row_number")
        .values_list("outside_delivery_moment", flat=True)
    )
    assert outside == [True, False, False, False]


def test_r15_a_shut_off_signal_without_an_earlier_vroegsignaal_is_flagged(energy):
    first = deliver(energy, [row(soort="elektriciteit", type="afsluiting")])
    assert (first.accepted, first.flagged) == (1, 1)
    assert Signal.objects.get().without_earlier_signal
    second = deliver(
        energy,
        [
            row(soort="gas", type="vroegsignaal", postcode="3701AA", huisnummer="9"),
            row(soort="gas", type="afsluiting", postcode="3701AA", huisnummer="9", klantnummer="x"),
        ],
    )
    assert (second.accepted, second.flagged) == (2, 0)


def test_r13_a_shut_off_signal_without_an_agreement_is_refused_with_the_way_to_report_it(energy):
    """Issue 10 decision: the shut-off rules oblige the notice whether or not a covenant agreement
    exists, but this platform carries signals only under an agreement naming it (R13); the refusal
    says the signal must still reach the municipality, directly."""
    delivery = deliver(energy, [row(soort="gas", type="afsluiting", postcode="1011AA", klantnummer="S-1")])
    assert delivery.accepted == 0
    [(_number, _field, message)] = errors_of(delivery)
    assert message.startswith("geen actieve overeenkomst met gemeente Amsterdam; een afsluit- of eindeleveringssignaal")
