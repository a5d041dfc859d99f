"""`lcv brp_testservice` runs the test service as its own process, and `lcv serve` starts it in demo
mode (settings.LCV_SUPERVISED_COMMANDS)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_command_serves_the_demo_residents():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lcv.manage", "brp_testservice", "--port", str(port), "--api-key", "k"],
        stdout=subprocess.DEVNULL,
    )
    try:
        body = {
            "type": "ZoekMetPostcodeEnHuisnummer",
            "fields": ["burgerservicenummer"],
            "postcode": "3511AA",
            "huisnummer": 3,
        }
        deadline = time.monotonic() + 20
        while True:
            try:
                response = requests.post(
                    f"http://127.0.0.1:{port}/personen", json=body, headers={"X-API-KEY": "k"}, timeout=2
                )
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.json() == {
            "type": "ZoekMetPostcodeEnHuisnummer",
            "personen": [{"burgerservicenummer": "999990020"}],
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("demo", "url", "started"), [(True, "local", True), (True, "https://brp.example.nl", False), (False, "", False)]
)
def test_serve_supervises_the_test_service_only_in_demo_mode_with_the_local_url(demo, url, started):
    env_url = "http://127.0.0.1:8079" if url == "local" else url
    code = (
        "import os; from django.conf import settings; import django; django.setup(); "
        "print(settings.LCV_SUPERVISED_COMMANDS)"
    )
    env = {
        "LCV_DEMO": "true" if demo else "false",
        "SECRET_KEY": "x",
        "BRP_BASE_URL": env_url,
        "DJANGO_SETTINGS_MODULE": "lcv.settings",
        "PATH": "/usr/bin:/bin",
    }
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert ("brp_testservice" in output) is started
