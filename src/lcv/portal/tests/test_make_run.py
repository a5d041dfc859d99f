"""`make run PORT=…`: the demo serves on another port and its e-mail links follow (SITE_URL)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

SHOW_SITE_URL = "show-site-url: export SITE_URL := $(SITE_URL)\nshow-site-url:\n\t@echo $$SITE_URL\n"


def make(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["make", "-s", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    return result.stdout


def test_run_serves_on_the_port_asked_for_and_site_url_follows():
    dry = make("-n", "run", "PORT=8123")
    assert ".venv/bin/lcv serve 127.0.0.1:8123" in dry
    assert "http://127.0.0.1:8123/dev/mail/" in dry
    assert "8000" not in dry
    # the same target-specific export as `run`, read back
    assert make("-f", "Makefile", "-f", "-", "show-site-url", "PORT=8123", stdin=SHOW_SITE_URL).strip() == (
        "http://127.0.0.1:8123"
    )
    assert make("-f", "Makefile", "-f", "-", "show-site-url", stdin=SHOW_SITE_URL).strip() == "http://127.0.0.1:8000"


def test_run_exports_site_url_to_the_commands():
    text = (ROOT / "Makefile").read_text()
    assert "run: export SITE_URL := $(SITE_URL)" in text
