"""Screen rules that hold for every app's templates."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
PAGE_TEMPLATES = [
    path
    for path in SRC.rglob("templates/**/*.html")
    if "/document/" not in path.as_posix() and "/mail/" not in path.as_posix()
]


def test_every_table_scrolls_in_its_own_labelled_focusable_region():
    """On a phone a wide table scrolls by itself instead of the whole page (WCAG 1.4.10); the
    scrolling region can be reached by keyboard and is named (WCAG 2.1.1, 4.1.2)."""
    found = 0
    for path in PAGE_TEMPLATES:
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            found += 1
            before = text[: match.start()]
            opening = before[before.rindex("<div") :] if "<div" in before else ""
            assert opening.startswith('<div class="lcv-table-scroll" tabindex="0" role="region" aria-label="'), (
                f"{path.relative_to(SRC)}: a table outside a scroll container"
            )
            assert 'aria-label=""' not in opening
    assert found > 10
    css = (SRC / "static/lcv/site.css").read_text()
    assert re.search(r"\.lcv-table-scroll\s*\{[^}]*overflow-x:\s*auto", css)
