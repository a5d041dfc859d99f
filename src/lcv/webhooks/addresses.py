"""SSRF: a webhook goes only to a public address of the internet (issue 12 item 7).

The URL must be https; its host is resolved and every address it resolves to must be public. The
check runs at registration (a Dutch message for the form) and again before every send, and the
sender connects to the address checked here (`Target.address`), so a DNS answer that changes in
between (DNS rebinding) cannot move the request to an internal address.

`LCV_WEBHOOKS_ALLOW_LOOPBACK` (tests and the demo only) also allows http and the loopback
addresses; private, link-local and the rest stay refused even then.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddress(Exception):
    """The address may not receive webhooks; the message is Dutch and says why."""


class UnknownHost(RefusedAddress):
    """The host name does not resolve (now)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as the partner wrote it: the Host header, SNI and the certificate check use it
    port: int
    path: str  # path and query
    address: str  # the checked IP address the sender connects to

    @property
    def pinned_url(self) -> str:
        ip = ipaddress.ip_address(self.address)
        literal = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{literal}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def loopback_allowed() -> bool:
    return bool(getattr(settings, "LCV_WEBHOOKS_ALLOW_LOOPBACK", False))


def _embedded(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, NAT64), else the address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.teredo is not None:
            return ip.teredo[1]
    return ip


def is_public(ip: IPAddress) -> bool:
    ip = _embedded(ip)
    refused = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
    return ip.is_global and not refused and not ip.is_unspecified


def _allowed(ip: IPAddress) -> bool:
    return is_public(ip) or (loopback_allowed() and _embedded(ip).is_loopback)


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL, or RefusedAddress."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise RefusedAddress(_("Dit is geen geldig adres.")) from error
    scheme = parts.scheme.lower()
    allowed_schemes = ("https", "http") if loopback_allowed() else ("https",)
    if scheme not in allowed_schemes:
        raise RefusedAddress(_("Het adres moet met https:// beginnen: berichten gaan alleen versleuteld over."))
    if parts.username or parts.password:
        raise RefusedAddress(_("Zet geen gebruikersnaam of wachtwoord in het adres."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedAddress(_("Het adres noemt geen server."))
    if parts.fragment:
        raise RefusedAddress(_("Een adres voor webhooks heeft geen deel na een #."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """The URL's target with a checked address, or RefusedAddress: every address the host resolves
    to must be allowed, not only the first (a second, internal one could be used next time)."""
    scheme, host, port, path = parse(url)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host.encode("idna").decode("ascii"), port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise UnknownHost(_("De naam van de server is niet te vinden.")) from error
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnknownHost(_("De naam van de server is niet te vinden."))
    if not all(_allowed(ip) for ip in addresses):
        raise RefusedAddress(
            _(
                "Dit adres hoort bij een intern of gereserveerd netwerk. Webhooks gaan alleen naar een "
                "openbaar adres op internet."
            )
        )
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
