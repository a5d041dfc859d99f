from __future__ import annotations

from pathlib import Path

from lcv.signals.columns import COLUMNS

DOCS = Path(__file__).resolve().parents[4] / "docs" / "signals.md"


def test_the_documented_columns_are_the_columns_the_code_reads():
    text = DOCS.read_text(encoding="utf-8")
    documented = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    assert documented == [column.name for column in COLUMNS], "regenerate the column table in docs/signals.md"
    for column in COLUMNS:
        assert column.description in text, f"docs/signals.md: the description of {column.name} differs"
