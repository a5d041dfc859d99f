"""SSRF: webhooks go only to public https addresses; the loopback exception exists only when the
setting is on, and never opens private networks."""

from __future__ import annotations

import pytest

from lcv.webhooks import services
from lcv.webhooks.addresses import RefusedAddress, resolve

REFUSED_HOSTS = [
    "127.0.0.1",  # loopback
    "127.1.2.3",
    "10.1.2.3",  # private
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # link-local: cloud metadata
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "240.0.0.1",  # reserved
    "0.0.0.0",  # unspecified
    "255.255.255.255",
    "[::1]",  # IPv6 loopback
    "[::]",  # unspecified
    "[fe80::1]",  # link-local
    "[fc00::1]",  # unique local
    "[ff02::1]",  # multicast
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a00:1]",  # NAT64 of 10.0.0.1
    "[2002:a00:1::]",  # 6to4 of 10.0.0.1
    "localhost",  # resolves to loopback
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_internal_addresses_are_refused_when_loopback_is_not_allowed(settings, host):
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(RefusedAddress):
        resolve(f"https://{host}/webhook")


LOOPBACK = {"127.0.0.1", "127.1.2.3", "[::1]", "[::ffff:127.0.0.1]", "localhost"}


@pytest.mark.parametrize("host", [host for host in REFUSED_HOSTS if host not in LOOPBACK])
def test_private_addresses_stay_refused_when_loopback_is_allowed(webhook_loopback, host):
    with pytest.raises(RefusedAddress):
        resolve(f"https://{host}/webhook")


def test_http_and_loopback_only_with_the_setting(settings):
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(RefusedAddress, match="https://"):
        resolve("http://93.184.216.34/webhook")
    with pytest.raises(RefusedAddress):
        resolve("https://127.0.0.1:8443/webhook")
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = True
    target = resolve("http://127.0.0.1:8123/webhook?x=1")
    assert (target.scheme, target.address, target.port, target.path) == ("http", "127.0.0.1", 8123, "/webhook?x=1")


def test_a_public_address_is_accepted_and_pinned(settings):
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    target = resolve("https://93.184.216.34/lcv")
    assert target.address == "93.184.216.34"
    assert target.pinned_url == "https://93.184.216.34:443/lcv"
    assert target.host_header == "93.184.216.34"
    v6 = resolve("https://[2606:2800:220:1:248:1893:25c8:1946]:8443/")
    assert v6.pinned_url == "https://[2606:2800:220:1:248:1893:25c8:1946]:8443/"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.216.34/",
        "https://gebruiker:wachtwoord@93.184.216.34/",
        "https:///pad",
        "https://93.184.216.34:99999/",
        "https://93.184.216.34/#deel",
        "https://naam.ongeldig./",  # .invalid-like: no such name
    ],
)
def test_malformed_urls_are_refused(settings, url):
    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(RefusedAddress):
        resolve(url)


@pytest.mark.django_db
def test_registration_refuses_an_internal_address_with_a_dutch_message(settings):
    from lcv.testing.factories import make_organisation, member

    settings.LCV_WEBHOOKS_ALLOW_LOOPBACK = False
    partner = make_organisation(name="Water Midden", sector="water")
    contact = member(partner, "contact")
    with pytest.raises(services.WebhookError, match="openbaar adres"):
        services.register_endpoint(organisation=partner, actor=contact, url="https://10.0.0.5/webhook")
    with pytest.raises(services.WebhookError, match="https://"):
        services.register_endpoint(organisation=partner, actor=contact, url="http://93.184.216.34/webhook")
    endpoint, secret = services.register_endpoint(organisation=partner, actor=contact, url="https://93.184.216.34/x")
    assert secret.startswith("whsec_")
    assert endpoint.secret == secret
