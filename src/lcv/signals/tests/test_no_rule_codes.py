"""Rule codes (R1..R22) are for the team, not for users: no screen, e-mail or help text shows one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lcv.signals.columns import COLUMNS
from lcv.testing.auth import login_verified
from lcv.testing.factories import member

SOURCE = Path(__file__).resolve().parents[2]  # src/lcv
RULE_CODE = re.compile(r"\bR\d{1,2}\b")
COMMENTS = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
# calls whose string arguments reach the user: translated texts (help texts, labels, messages)
USER_TEXT_CALLS = frozenset({"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "pgettext", "Column"})


def test_no_rule_code_in_any_template():
    found = []
    for path in SOURCE.rglob("templates/**/*"):
        if path.suffix not in {".html", ".txt"} or not path.is_file():
            continue
        text = COMMENTS.sub("", path.read_text(encoding="utf-8"))  # comments are not rendered
        found += [f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in RULE_CODE.finditer(text)]
    assert not found


def test_no_rule_code_in_translated_texts_or_column_help():
    found = []
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in USER_TEXT_CALLS:
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for part in ast.walk(arg):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) and RULE_CODE.search(part.value):
                        found.append(f"{path.relative_to(SOURCE)}:{part.lineno}: {part.value}")
    assert not found
    assert not [column.name for column in COLUMNS if RULE_CODE.search(column.description)]


@pytest.mark.django_db
def test_the_column_help_on_the_deliveries_page_has_no_rule_code(world, client):
    login_verified(client, member(world["water"], "contact"))
    content = client.get(reverse("signals:deliveries")).content.decode()
    assert "Postcode van het leveringsadres" in content  # the column help is on this page
    assert not RULE_CODE.findall(content)
