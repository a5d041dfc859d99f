"""The portal side: upload, progress, outcome, error report, template, one-signal form, CAK."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lcv.signals.models import Delivery, DeliverySource, DeliveryStatus, Signal
from lcv.signals.processing import process_delivery
from lcv.testing.auth import login_verified
from lcv.testing.factories import member
from lcv.testing.signals import csv_bytes, row

pytestmark = pytest.mark.django_db


def upload(client, content, name="signalen.csv"):
    return client.post(
        reverse("signals:upload"), {"bestand": SimpleUploadedFile(name, content, content_type="text/csv")}, follow=True
    )


def test_upload_stores_first_then_shows_progress_and_outcome(world, client, django_capture_on_commit_callbacks):
    login_verified(client, world["deliverer"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, csv_bytes([row(), row(bedrag="=1+1")]))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RECEIVED  # stored as received; processing is queued
    assert bytes(delivery.content) == csv_bytes([row(), row(bedrag="=1+1")])
    assert len(callbacks) == 1  # the processing task is queued on commit
    page = response.content.decode()
    assert "wordt verwerkt" in page
    assert 'hx-get="/aanleveringen/' in page  # the progress polls
    process_delivery(delivery.pk)
    fragment = client.get(reverse("signals:progress", args=[delivery.pk]), headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    page = client.get(reverse("signals:delivery", args=[delivery.pk])).content.decode()
    assert 'data-testid="count-accepted">1<' in page
    assert "geen bedrag in euro" in page
    report = client.get(reverse("signals:error_report", args=[delivery.pk])).content.decode("utf-8-sig")
    lines = report.splitlines()
    assert lines[0] == "rij;klantnummer;veld;melding"
    assert lines[1].startswith(f"3;{row()['klantnummer']};bedrag;")


def test_the_same_file_twice_is_recognised_and_not_processed_again(world, client):
    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row()]))
    process_delivery(Delivery.objects.get().pk)
    response = upload(client, csv_bytes([row()]), name="opnieuw.csv")
    assert "al eerder aangeleverd" in response.content.decode()
    assert Delivery.objects.count() == 1
    assert Signal.objects.count() == 1


def test_a_file_that_is_not_csv_or_excel_is_refused_with_a_dutch_message(world, client):
    login_verified(client, world["deliverer"])
    response = upload(client, b"%PDF-1.4 niet een lijst", name="brief.pdf")
    assert "Lever een CSV-bestand of een Excel-bestand" in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_excel_template_round_trips_through_the_processing(world, client):
    from openpyxl import load_workbook

    login_verified(client, world["deliverer"])
    template = client.get(reverse("signals:template_xlsx")).content
    sheet = load_workbook(io.BytesIO(template)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["klantnummer", "voorletters", "tussenvoegsel", "achternaam"]
    upload(client, template, name="sjabloon.xlsx")
    delivery = process_delivery(Delivery.objects.get().pk)
    assert delivery.file_format == "xlsx"
    assert (delivery.accepted, delivery.rejected) == (1, 0)
    csv_template = client.get(reverse("signals:template_csv")).content.decode("utf-8-sig")
    assert csv_template.splitlines()[0].startswith("klantnummer;voorletters;")


def test_one_signal_through_the_form_is_judged_at_once(world, client):
    login_verified(client, world["deliverer"])
    form = client.get(reverse("signals:single_signal"))
    reference = form.context["form"].initial["reference"]
    data = {
        "reference": reference,
        "achternaam": "Berg",
        "postcode": "3511 ab",
        "huisnummer": "12",
        "soort": "drinkwater",
        "type": "vroegsignaal",
        "bedrag": "120,00",
        "achterstand_sinds": "01-01-2026",
        "mvi_toegepast": "on",
        "persoonlijk_contact_gezocht": "on",
    }
    response = client.post(reverse("signals:single_signal"), data, follow=True)
    assert "Het signaal is aangenomen" in response.content.decode()
    client.post(reverse("signals:single_signal"), data)  # a double click
    assert Signal.objects.count() == 1
    assert Delivery.objects.get().source == DeliverySource.FORM
    data["reference"] = "ander"
    data["mvi_toegepast"] = ""
    data["bedrag"] = "twaalf"
    response = client.post(reverse("signals:single_signal"), data)
    text = response.content.decode()
    # judged in the form: the errors stand at the labelled fields, the input is kept, nothing is stored
    assert response.status_code == 200
    assert "Vink dit aan. Een signaal mag pas nadat u maatschappelijk verantwoord heeft geïncasseerd." in text
    assert "Geen bedrag in euro&#x27;s (zoals 123,45)." in text
    assert "mvi_toegepast: moet ja zijn" not in text  # not the file's wording with its column code
    assert 'value="twaalf"' in text
    assert 'value="Berg"' in text
    assert Delivery.objects.count() == 1


def test_an_empty_or_wrong_one_signal_form_stores_nothing_and_names_fields_by_their_label(world, client):
    login_verified(client, world["deliverer"])
    reference = client.get(reverse("signals:single_signal")).context["form"].initial["reference"]
    empty = client.post(reverse("signals:single_signal"), {"reference": reference})
    page = empty.content.decode()
    assert empty.status_code == 200
    assert page.count("Vul dit in.") >= 4  # surname, postcode, house number, amount, arrears date
    assert 'id="id_achternaam_error"' in page
    # an address where the partner has no active agreement: also known before anything is stored
    data = {
        "reference": reference,
        "achternaam": "Berg",
        "postcode": "1011AA",
        "huisnummer": "1",
        "soort": "drinkwater",
        "type": "vroegsignaal",
        "bedrag": "120,00",
        "achterstand_sinds": "01-01-2026",
        "mvi_toegepast": "on",
        "persoonlijk_contact_gezocht": "on",
    }
    elsewhere = client.post(reverse("signals:single_signal"), data).content.decode()
    assert "Geen actieve overeenkomst met gemeente Amsterdam." in elsewhere
    assert not Delivery.objects.exists()


def test_the_form_offers_only_the_partners_own_types(world, client):
    login_verified(client, world["deliverer"])
    form = client.get(reverse("signals:single_signal")).context["form"]
    assert [value for value, _ in form.fields["soort"].choices] == ["drinkwater"]
    assert "schriftelijke_herinnering" not in form.fields


def test_signals_per_municipality_count_only_the_partners_own(world, client):
    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row(), row(klantnummer="2"), row(postcode="3701AA")]))
    process_delivery(Delivery.objects.get().pk)
    response = client.get(reverse("signals:per_municipality"))
    rows = list(response.context["page"].object_list)
    assert [(r["municipal_party__name"], r["total"]) for r in rows] == [("Gemeente Utrecht", 2), ("Gemeente Zeist", 1)]


def test_a_municipality_uploads_its_cak_file_for_its_own_residents(world, client):
    contact = member(world["utrecht"], "contact")
    login_verified(client, contact)
    cak = csv_bytes(
        [
            {
                "achternaam": "Berg",
                "postcode": "3511AB",
                "huisnummer": "1",
                "bedrag": "600",
                "achterstand_sinds": "01-06-2025",
            },
            {
                "achternaam": "Smit",
                "postcode": "3701AA",
                "huisnummer": "2",
                "bedrag": "700",
                "achterstand_sinds": "01-06-2025",
            },
        ],
        header=["achternaam", "postcode", "huisnummer", "bedrag", "achterstand_sinds"],
    )
    upload(client, cak, name="cak.csv")
    delivery = process_delivery(Delivery.objects.get().pk)
    assert delivery.source == DeliverySource.CAK
    assert (delivery.accepted, delivery.rejected) == (1, 1)
    signal = Signal.objects.get()
    assert signal.from_cak
    assert signal.partner is None
    assert signal.agreement is None
    assert signal.signal_type == "health_insurance"
    assert signal.municipal_party == world["utrecht"]
    assert "niet in uw gemeente" in delivery.row_errors.get().message


def test_another_partner_never_sees_a_delivery(world, client):
    from lcv.testing.factories import make_organisation

    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row()]))
    delivery = Delivery.objects.get()
    other = member(make_organisation(name="Water Elders", sector="water"), "deliverer")
    login_verified(client, other)
    for name in ("signals:delivery", "signals:progress", "signals:error_report"):
        assert client.get(reverse(name, args=[delivery.pk])).status_code == 404
    assert client.get(reverse("signals:deliveries")).context["page"].paginator.count == 0


def test_the_error_report_neutralises_spreadsheet_formulas(world, client):
    from lcv.signals.intake import receive_form

    received = receive_form(
        organisation=world["water"],
        actor=world["deliverer"],
        values={**row(), '=HYPERLINK("http://x")': "1"},
        reference="formule",
    )
    process_delivery(received.delivery.pk)
    login_verified(client, world["deliverer"])
    report = client.get(reverse("signals:error_report", args=[received.delivery.pk])).content.decode("utf-8-sig")
    import csv

    [_header, (number, _customer, field, _message)] = list(csv.reader(io.StringIO(report), delimiter=";"))
    assert (number, field) == ("1", '\'=HYPERLINK("http://x")')


def test_the_partners_contact_finds_the_api_keys_from_the_deliveries_page(world, client):
    login_verified(client, member(world["water"], "contact"))
    assert reverse("signals_tokens:list") in client.get(reverse("signals:deliveries")).content.decode()
    login_verified(client, world["deliverer"])
    assert reverse("signals_tokens:list") not in client.get(reverse("signals:deliveries")).content.decode()


def test_the_outcome_says_why_signals_were_flagged(world, client):
    import time_machine

    with time_machine.travel("2026-03-27 10:00 +0100", tick=True):  # after the 25th
        login_verified(client, world["deliverer"])
        upload(client, csv_bytes([row(), row(klantnummer="2")]))
        process_delivery(Delivery.objects.get().pk)
        page = client.get(reverse("signals:delivery", args=[Delivery.objects.get().pk])).content.decode()
    assert "Gemarkeerd: 2 buiten de afgesproken aanlevermomenten" in page
    assert "0 eindelevering of afsluiting zonder eerder vroegsignaal" in page


def test_the_start_page_shows_the_deliverers_recent_deliveries_and_the_handlers_received_signals(world, client):
    login_verified(client, world["deliverer"])
    home = client.get(reverse("portal:home")).content.decode()
    assert "Nog geen aanleveringen." in home
    upload(client, csv_bytes([row(), row(bedrag="x")]))
    delivery = process_delivery(Delivery.objects.get().pk)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("signals:delivery", args=[delivery.pk]) in home
    assert "1 aangenomen, 1 afgewezen" in home
    login_verified(client, member(world["utrecht"], "handler"))
    home = client.get(reverse("portal:home")).content.decode()
    assert "1 signaal ontvangen." in home
    login_verified(client, member(world["zeist"], "handler"))
    assert "Nog geen signalen ontvangen." in client.get(reverse("portal:home")).content.decode()


def test_an_organisation_that_has_left_delivers_nothing_through_the_portal(world, client):
    from django.utils import timezone

    from lcv.organisations.models import Organisation

    Organisation.objects.filter(pk=world["water"].pk).update(left_at=timezone.now())
    login_verified(client, world["deliverer"])
    response = upload(client, csv_bytes([row()]))
    assert "neemt niet meer deel aan het LCV-portaal" in response.content.decode()
    form = client.get(reverse("signals:single_signal"))
    data = {
        "reference": form.context["form"].initial["reference"],
        "achternaam": "Berg",
        "postcode": "3511 ab",
        "huisnummer": "12",
        "soort": "drinkwater",
        "type": "vroegsignaal",
        "bedrag": "120,00",
        "achterstand_sinds": "01-01-2026",
        "mvi_toegepast": "on",
        "persoonlijk_contact_gezocht": "on",
    }
    refused = client.post(reverse("signals:single_signal"), data)
    assert "neemt niet meer deel aan het LCV-portaal" in refused.content.decode()
    assert not Delivery.objects.exists()


def test_who_saw_a_delivery_and_its_error_report_is_audited(world, client):
    from lcv.audit.models import AuditEvent

    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row(), row(bedrag="veel")]))
    delivery = Delivery.objects.get()
    process_delivery(delivery.pk)
    before = AuditEvent.objects.filter(action="signals.delivery_viewed").count()
    client.get(reverse("signals:delivery", args=[delivery.pk]))
    client.get(reverse("signals:error_report", args=[delivery.pk]))
    viewed = list(AuditEvent.objects.filter(action="signals.delivery_viewed").order_by("id"))
    assert len(viewed) == before + 1
    assert (viewed[-1].actor, viewed[-1].object_id) == (world["deliverer"], str(delivery.pk))
    report = AuditEvent.objects.get(action="signals.error_report_downloaded")
    assert (report.actor, report.object_id) == (world["deliverer"], str(delivery.pk))


@pytest.mark.parametrize(
    ("sector", "kind"),
    [("energy", "gas"), ("housing", "huur"), ("health_insurance", "zorgverzekering"), ("water", "drinkwater")],
)
def test_the_templates_example_row_fits_the_partners_sector(client, sector, kind):
    """Issue 10: the example row was a drinking-water signal whatever the partner's sector."""
    import csv as csv_module

    from lcv.testing.factories import make_organisation

    partner = make_organisation(name="Partner", sector=sector, national_coverage=True)
    login_verified(client, member(partner, "deliverer"))
    text = client.get(reverse("signals:template_csv")).content.decode("utf-8-sig")
    header, example = list(csv_module.reader(io.StringIO(text), delimiter=";"))
    values = dict(zip(header, example, strict=True))
    assert values["soort"] == kind
    if sector == "housing":
        assert (values["schriftelijke_herinnering"], values["geen_bezwaar_huurder"]) == ("ja", "ja")


def test_the_cak_page_offers_a_cak_template_in_municipal_words(world, client):
    """Issue 10: the CAK page asked for the partner template with partner wording."""
    import csv as csv_module

    login_verified(client, member(world["utrecht"], "contact"))
    page = client.get(reverse("signals:deliveries")).content.decode()
    assert "CAK-sjabloon downloaden (Excel)" in page
    assert "mvi_toegepast" not in page  # no partner attestations in the CAK columns
    response = client.get(reverse("signals:template_csv"))
    assert 'filename="lcv-cak-sjabloon.csv"' in response["Content-Disposition"]
    header, _example = list(csv_module.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {"soort", "type", "mvi_toegepast", "persoonlijk_contact_gezocht"}.isdisjoint(header)
    assert {"achternaam", "postcode", "huisnummer", "bedrag", "achterstand_sinds"} <= set(header)
    # the CAK template itself is read as a CAK file
    upload(client, response.content, name="cak.csv")
    delivery = process_delivery(Delivery.objects.get().pk)
    assert delivery.status == DeliveryStatus.DONE


def test_progress_before_counting_says_so_instead_of_a_question_mark(world, client):
    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row()]))
    delivery = Delivery.objects.get()
    fragment = client.get(reverse("signals:progress", args=[delivery.pk])).content.decode()
    assert "?" not in fragment.split('data-testid="progress-text">', 1)[1].split("</p>", 1)[0]
    assert "de rijen worden geteld" in fragment


def test_refused_rows_show_the_customer_number_to_find_them_by(world, client):
    login_verified(client, world["deliverer"])
    upload(client, csv_bytes([row(klantnummer="K-777", bedrag="twaalf")]))
    delivery = process_delivery(Delivery.objects.get().pk)
    page = client.get(reverse("signals:delivery", args=[delivery.pk])).content.decode()
    assert ">K-777<" in page
