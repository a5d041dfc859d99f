"""Run as `python -m lcv.signals.tests.bad_input_helper setup|dump` against DATABASE_URL: the
separate-process side of test_bad_input_worker.py. `setup` receives every bad input the trial of
issue 10 found (files and API bodies), each beside good rows; `dump` prints how each delivery ended."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile

import django

GOOD = 3  # good rows in every file that has rows


def _rows(prefix: str) -> list[dict[str, str]]:
    from lcv.testing.signals import row

    return [row(klantnummer=f"{prefix}-{n}", soort="gas", huisnummer=n + 1) for n in range(GOOD)]


def _csv(rows: list[dict[str, str]], delimiter: str = ";") -> str:
    from lcv.signals.columns import NAMES

    lines = [delimiter.join(NAMES)]
    lines += [delimiter.join(values.get(name, "") for name in NAMES) for values in rows]
    return "\r\n".join(lines) + "\r\n"


def _line(values: dict[str, str], delimiter: str = ";") -> str:
    from lcv.signals.columns import NAMES

    return delimiter.join(values.get(name, "") for name in NAMES)


def files() -> dict[str, bytes]:
    """name -> content. Every file holds GOOD good rows unless its name says it cannot."""
    from lcv.signals.columns import NAMES
    from lcv.testing import xlsx_files
    from lcv.testing.signals import row

    out: dict[str, bytes] = {}
    # CSV
    text = _csv(_rows("quote"))
    broken = _line(row(klantnummer="quote-x", soort="gas", achternaam='"Jansen', huisnummer=50))
    out["onafgesloten-aanhalingsteken.csv"] = (text + broken + "\r\n" + _line(_rows("quote2")[0]) + "\r\n").encode()
    out["te-lange-cel.csv"] = (
        _csv(_rows("long")) + _line(row(klantnummer="long-x", soort="gas", achternaam="x" * 140_000)) + "\r\n"
    ).encode()
    header = ";".join(NAMES) + ";;extra_leeg"
    out["lege-kolomnaam.csv"] = (
        header.replace(";extra_leeg", "") + "\r\n" + "\r\n".join(_line(r) + ";geheim" for r in _rows("empty"))
    ).encode()
    out["dubbele-kolomnaam.csv"] = (
        ";".join([*NAMES, "achternaam"]) + "\r\n" + "\r\n".join(_line(r) + ";Anders" for r in _rows("dup"))
    ).encode()
    out["regeleinde-in-cel.csv"] = _csv(
        [{**r, "straat": '"Lange\nStraat"'} if i == 0 else r for i, r in enumerate(_rows("nl"))]
    ).encode()
    out["windows-1252-byte.csv"] = _csv(_rows("cp")).encode().replace(b"Jansen", b"Jans\xe9n", 1)
    out["harde-spatie.csv"] = _csv(
        [{**r, "postcode": "3511\u00a0AB", "bedrag": "1\u00a0250,00"} for r in _rows("nbsp")]
    ).encode()
    out["tabs.csv"] = _csv(_rows("tab"), delimiter="\t").encode()
    out["utf-16.csv"] = _csv(_rows("u16")).encode("utf-16")
    out["sep-regel.csv"] = ("sep=;\r\n" + _csv(_rows("sep"))).encode()
    out["alleen-kopregel.csv"] = (";".join(NAMES) + "\r\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("signalen.csv", _csv(_rows("zip")))
    out["echt-zip.xlsx"] = buffer.getvalue()
    out["rommel.csv"] = bytes(range(256)) * 40
    # XLSX
    good_rows = _rows("x")

    def sheet_with(extra: str) -> list[str]:
        cells = []
        for number, values in enumerate(good_rows, start=2):
            cells.append(
                f'<row r="{number}">'
                + "".join(
                    xlsx_files._inline(f"{xlsx_files._letters(i + 1)}{number}", values[name])
                    for i, name in enumerate(NAMES)
                    if name in values
                )
                + "</row>"
            )
        return [
            xlsx_files.SHEET_START,
            "<sheetData>",
            xlsx_files.header_row(),
            *cells,
            extra,
            "</sheetData></worksheet>",
        ]

    amount_column = xlsx_files._letters(NAMES.index("bedrag") + 1)
    surname_column = xlsx_files._letters(NAMES.index("achternaam") + 1)
    bad_row = row(klantnummer="x-bad", soort="gas", huisnummer=90)
    base_cells = "".join(
        xlsx_files._inline(f"{xlsx_files._letters(i + 1)}9", bad_row[name])
        for i, name in enumerate(NAMES)
        if name in bad_row and name not in ("bedrag", "achternaam")
    )
    out["twaalf-in-getalcel.xlsx"] = xlsx_files.workbook(
        sheet_with(
            f'<row r="9">{base_cells}<c r="{amount_column}9"><v>twaalf</v></c>'
            + xlsx_files._inline(f"{surname_column}9", "Jansen")
            + "</row>"
        )
    )
    out["teksten-index-fout.xlsx"] = xlsx_files.workbook(
        sheet_with(
            f'<row r="9">{base_cells}<c r="{surname_column}9" t="s"><v>999</v></c>'
            + xlsx_files._inline(f"{amount_column}9", "12,00")
            + "</row>"
        ),
        shared_strings=[f"<sst xmlns='{xlsx_files.MAIN}'><si><t>a</t></si></sst>"],
    )
    out["kapotte-xml-in-rij.xlsx"] = xlsx_files.workbook(sheet_with('<row r="9"><c r="A9"><v>1</c></row>'))
    out["entiteit.xlsx"] = xlsx_files.entity_in_sheet()
    return out


def api_bodies() -> dict[str, bytes]:
    from lcv.testing.signals import row

    def good(reference: str) -> list[str]:  # each body its own signals (the same ones would be repeats)
        return [json.dumps(r) for r in _rows(reference)]

    def body(reference: str, bad: str) -> bytes:
        signals = ", ".join([*good(reference), bad])
        return ('{"aanlever_id": "' + reference + '", "signalen": [' + signals + "]}").encode()

    bad_surrogate = (
        json.dumps(row(klantnummer="api-s", soort="gas", huisnummer=70))[:-1] + ', "tussenvoegsel": "\\ud800"}'
    )
    return {
        "api-losse-surrogaat": body("a-1", bad_surrogate),
        "api-getal-als-tekst": body("a-2", json.dumps({**row(klantnummer="api-n", soort="gas"), "bedrag": "twaalf"})),
        "api-object-als-waarde": body(
            "a-3", json.dumps({**row(klantnummer="api-o", soort="gas"), "achternaam": {"a": 1}})
        ),
        "api-lijst-als-signaal": body("a-4", "[1, 2, 3]"),
        "api-nul-teken": body(
            "a-5", json.dumps({**row(klantnummer="api-z", soort="gas"), "achternaam": "Jan\u0000sen"})
        ),
        "api-kapotte-json": b'{"aanlever_id": "a-6", "signalen": [' + good("a-6")[0].encode() + b", {",
    }


def setup() -> None:
    from lcv.organisations.models import Sector
    from lcv.signals.intake import IntakeError, receive_api, receive_file
    from lcv.signals.tokens import create_token
    from lcv.testing.factories import make_organisation, member, municipality_organisation
    from lcv.testing.signals import activate_all, postcode

    municipality_organisation("0344")
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    activate_all(energy)
    postcode("3511AB", "0344")
    deliverer = member(energy, "deliverer")
    refused_at_intake = {}
    for name, content in files().items():
        try:
            receive_file(organisation=energy, actor=deliverer, file_name=name, content=content)
        except IntakeError as error:
            refused_at_intake[name] = str(error)
    token, _plain = create_token(organisation=energy, actor=member(energy, "contact"), name="test")
    for name, content in api_bodies().items():
        received = receive_api(token=token, client_reference=name, body=content)
        received.delivery.file_name = name
        received.delivery.save(update_fields=["file_name"])
    print(json.dumps(refused_at_intake))


def dump() -> None:
    from lcv.signals.models import Delivery, RowError

    json.dump(
        {
            delivery.file_name: {
                "status": delivery.status,
                "attempts": delivery.attempts,
                "accepted": delivery.accepted,
                "rejected": delivery.rejected,
                "error": delivery.error,
                "messages": list(RowError.objects.filter(delivery=delivery).values_list("message", flat=True)[:5]),
            }
            for delivery in Delivery.objects.order_by("pk").defer("content")
        },
        sys.stdout,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup()
    else:
        dump()
