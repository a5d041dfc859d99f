"""CSV files as users really send them (findings of the user trial): a quote that is never closed,
a cell that is too long, columns without a name or twice, line breaks in cells, other encodings
and separators, files that are no table at all, a file with only column names. Every message is
Dutch; one bad row never takes other rows with it."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from lcv.signals import reading
from lcv.signals.columns import NAMES
from lcv.signals.intake import IntakeError, receive_file
from lcv.signals.models import Delivery, DeliveryStatus, RowError, Signal, TextEncoding
from lcv.signals.processing import process_delivery
from lcv.signals.reading import UnreadableFile, open_rows
from lcv.signals.rules import parse_row
from lcv.testing.auth import login_verified
from lcv.testing.signals import csv_bytes, row

pytestmark = pytest.mark.django_db


def deliver(world, content: bytes, name: str = "signalen.csv") -> Delivery:
    received = receive_file(organisation=world["water"], actor=world["deliverer"], file_name=name, content=content)
    return process_delivery(received.delivery.pk)


def table(header: list[str], rows: list[list[str]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def errors(delivery: Delivery) -> list[tuple[int, str, str]]:
    return list(RowError.objects.filter(delivery=delivery).values_list("row_number", "field", "message"))


def customers(delivery: Delivery) -> list[str]:
    return sorted(Signal.objects.filter(delivery=delivery).values_list("customer_number", flat=True))


# 1. a quote that is never closed


def test_an_unclosed_quote_refuses_only_its_own_row_and_the_next_rows_are_read(world):
    content = csv_bytes([row(klantnummer=f"K{n}", achternaam="XBERG" if n == 2 else "Berg") for n in range(1, 5)])
    delivery = deliver(world, content.replace(b"XBERG", b'"Berg'))
    assert delivery.status == DeliveryStatus.DONE
    assert customers(delivery) == ["K1", "K3", "K4"]
    [(number, field, message)] = errors(delivery)
    assert (number, field) == (3, "")  # K2 is row 3: the header is row 1
    assert message.startswith("aanhalingsteken niet gesloten")
    assert (delivery.rows_total, delivery.accepted, delivery.rejected) == (4, 3, 1)


def test_an_unclosed_quote_in_the_last_row_is_refused_not_read_to_the_end(world):
    content = csv_bytes([row(klantnummer="K1"), row(klantnummer="K2", achternaam="XBERG")])
    delivery = deliver(world, content.replace(b"XBERG", b'"Berg'))
    assert customers(delivery) == ["K1"]
    assert [(n, m[:29]) for n, _f, m in errors(delivery)] == [(3, "aanhalingsteken niet gesloten")]


def test_a_quoted_cell_with_a_line_break_is_still_one_cell(world):
    delivery = deliver(world, csv_bytes([row(klantnummer="K1", straat="Dorpsstraat\nachterom"), row(klantnummer="K2")]))
    assert (delivery.accepted, delivery.rejected) == (2, 0)
    assert Signal.objects.get(customer_number="K1").street == "Dorpsstraat\nachterom"


def test_an_unclosed_quote_in_the_header_is_a_dutch_unreadable_file(world):
    content = csv_bytes([row()]).replace(b"klantnummer;", b'"klantnummer;', 1)
    delivery = deliver(world, content)
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert "De eerste regel (de kolomnamen) is niet te lezen" in delivery.error


# 2. a cell over the csv module's limit, a line over the reader's


def test_a_cell_over_the_field_limit_refuses_only_that_row_in_dutch(world):
    delivery = deliver(world, csv_bytes([row(klantnummer="K1", straat="x" * 200_000), row(klantnummer="K2")]))
    assert delivery.status == DeliveryStatus.DONE
    assert customers(delivery) == ["K2"]
    [(number, _field, message)] = errors(delivery)
    assert number == 2
    assert "cel in deze rij is te lang (meer dan 131.072 tekens)" in message
    assert "field" not in message


def test_a_quoted_cell_over_the_field_limit_refuses_only_that_row(world):
    content = csv_bytes([row(klantnummer="K1", straat="x;" * 70_000), row(klantnummer="K2")])
    delivery = deliver(world, content)
    assert customers(delivery) == ["K2"]
    assert [n for n, _f, _m in errors(delivery)] == [2]


def test_a_line_longer_than_the_bound_is_refused_without_holding_it(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_LINE", 5_000)
    delivery = deliver(world, csv_bytes([row(klantnummer="K1", straat="x" * 20_000), row(klantnummer="K2")]))
    assert customers(delivery) == ["K2"]
    [(number, _field, message)] = errors(delivery)
    assert number == 2
    assert "regel is te lang" in message


# 3. columns without a name, and a name twice


def test_data_under_a_column_without_a_name_makes_the_file_unreadable(world):
    header = [*NAMES[:5], "", *NAMES[5:]]
    good = [row()[name] for name in NAMES]
    content = table(header, [[*good[:5], "", *good[5:]], [*good[:5], "geheim", *good[5:]]])
    delivery = deliver(world, content)
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert "Kolom F heeft in de eerste regel geen kolomnaam, maar in rij 3 staat er wel iets in" in delivery.error
    assert not Signal.objects.exists()


def test_empty_columns_without_a_name_are_fine(world):
    good = [row()[name] for name in NAMES]
    header = [*NAMES[:5], "", *NAMES[5:], "", "", ""]  # as Excel leaves them
    delivery = deliver(world, table(header, [[*good[:5], "", *good[5:], "", " ", ""]]))
    assert (delivery.status, delivery.accepted) == (DeliveryStatus.DONE, 1)


def test_a_column_name_twice_makes_the_file_unreadable(world):
    header = [*NAMES, "postcode"]
    good = [row()[name] for name in NAMES]
    delivery = deliver(world, table(header, [[*good, "3701AA"]]))
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert "De kolom 'postcode' staat twee keer in de eerste regel (kolom F en kolom W)" in delivery.error


def test_more_values_than_column_names_refuses_that_row(world):
    good = [row()[name] for name in NAMES]
    delivery = deliver(world, table(list(NAMES), [[*good, "extra"], [*good, ""]]))
    assert delivery.accepted == 1
    [(number, _field, message)] = errors(delivery)
    assert number == 2
    assert "meer waarden dan er kolomnamen zijn" in message


def test_an_excel_column_without_a_name_holding_data_makes_the_file_unreadable():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*NAMES, None, None])
    sheet.append([row()[name] for name in NAMES] + [None, "geheim"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(UnreadableFile, match=r"Kolom X heeft in de eerste regel geen kolomnaam.*rij 2"):
        list(open_rows(buffer.getvalue(), "xlsx"))


# 4. row numbers as a spreadsheet shows them


def test_row_numbers_are_spreadsheet_rows_also_after_a_cell_with_line_breaks(world):
    delivery = deliver(
        world,
        csv_bytes([row(klantnummer="K1", straat="a\nb\nc"), row(klantnummer="K2", bedrag="x"), row(klantnummer="K3")]),
    )
    assert [(n, f) for n, f, _m in errors(delivery)] == [(3, "bedrag")]
    assert sorted(Signal.objects.values_list("row_number", flat=True)) == [2, 4]


# 5. which encoding was used


def test_a_windows_1252_file_is_read_as_such_and_says_so(world, client):
    content = csv_bytes([row(achternaam="Müller")]).decode().encode("cp1252")
    delivery = deliver(world, content)
    assert delivery.encoding == TextEncoding.WINDOWS
    assert Signal.objects.get().surname == "Müller"
    login_verified(client, world["deliverer"])
    page = client.get(reverse("signals:delivery", args=[delivery.pk])).content.decode()
    assert "Windows-1252 (niet UTF-8)" in page
    assert 'data-testid="encoding-note"' in page


def test_one_stray_windows_byte_does_not_switch_a_utf8_file(world, client):
    content = csv_bytes([row(klantnummer="K1", achternaam="Jérôme"), row(klantnummer="K2", achternaam="XX")])
    delivery = deliver(world, content.replace(b"XX", "Brontë".encode("cp1252")))
    assert delivery.encoding == TextEncoding.MIXED
    assert dict(Signal.objects.values_list("customer_number", "surname")) == {"K1": "Jérôme", "K2": "Brontë"}
    login_verified(client, world["deliverer"])
    page = client.get(reverse("signals:delivery", args=[delivery.pk])).content.decode()
    assert "sla het bestand voortaan op als 'CSV UTF-8'" in page


def test_a_utf8_file_is_utf8(world):
    delivery = deliver(world, b"\xef\xbb\xbf" + csv_bytes([row(achternaam="Jérôme")]))
    assert delivery.encoding == TextEncoding.UTF8
    assert Signal.objects.get().surname == "Jérôme"


# 6. non-breaking spaces


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_a_non_breaking_space_in_a_postcode_or_amount_is_a_space(space):
    from datetime import date

    values, found = parse_row(row(postcode=f"3511{space}AB", bedrag=f"1{space}234,50"), date(2026, 3, 22))
    assert not found
    assert (values["postcode"], values["bedrag"]) == ("3511AB", Decimal("1234.50"))


# 7. other separators and encodings; files that are no table


def test_a_tab_separated_file_is_read(world):
    delivery = deliver(world, csv_bytes([row(), row(bedrag="x")], delimiter="\t"), name="signalen.txt")
    assert (delivery.status, delivery.accepted, delivery.rejected) == (DeliveryStatus.DONE, 1, 1)


@pytest.mark.parametrize("delimiter", [";", ","])
def test_an_excel_sep_line_names_the_separator_and_is_no_row(world, delimiter):
    content = f"sep={delimiter}\r\n".encode() + csv_bytes([row(), row(bedrag="x")], delimiter=delimiter)
    delivery = deliver(world, content)
    assert (delivery.status, delivery.accepted) == (DeliveryStatus.DONE, 1)
    assert [n for n, _f, _m in errors(delivery)] == [3]


def test_a_utf16_file_with_a_byte_order_mark_is_read(world):
    content = csv_bytes([row(achternaam="Müller")], delimiter="\t").decode().encode("utf-16")
    delivery = deliver(world, content, name="signalen.txt")
    assert (delivery.status, delivery.accepted, delivery.encoding) == (DeliveryStatus.DONE, 1, TextEncoding.UTF16)
    assert Signal.objects.get().surname == "Müller"


def test_a_zip_that_is_no_excel_workbook_is_refused_as_no_csv_or_excel(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("signalen.csv", csv_bytes([row()]))
    delivery = deliver(world, buffer.getvalue(), name="signalen.zip")
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert delivery.error.startswith("Dit is geen CSV- of Excelbestand")


def test_binary_garbage_is_refused_as_no_csv_or_excel(world):
    randomly = random.Random(7)
    garbage = bytes(randomly.randrange(1, 256) for _ in range(20_000))  # no NUL: not refused at upload
    delivery = deliver(world, garbage)
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert delivery.error.startswith("Dit is geen CSV- of Excelbestand")
    with pytest.raises(IntakeError, match="Dit is geen CSV- of Excelbestand"):
        receive_file(
            organisation=world["water"], actor=world["deliverer"], file_name="x.csv", content=b"\x00\x01" + garbage
        )


# 8. a file with only column names


def test_a_file_with_only_column_names_gets_a_hint(world, client):
    delivery = deliver(world, csv_bytes([]))
    assert (delivery.status, delivery.rows_total) == (DeliveryStatus.DONE, 0)
    login_verified(client, world["deliverer"])
    page = client.get(reverse("signals:delivery", args=[delivery.pk])).content.decode()
    assert "Het bestand bevat wel kolomnamen, maar geen signalen" in page
