"""The SSRF guard: a URL may only reach public addresses, unless an admin's allow-list names the host or network."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from integrations.errors import Blocked, OutboundError, TransportError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

# Names of cloud metadata services; offline they may not resolve at all, so they are refused by name.
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_COMPAT = ipaddress.ip_network("::/96")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)
# What may stand in a URL's host: rejects backslashes, spaces, percent-escapes and other parser-confusion tricks.
_HOST_CHARS = re.compile(r"^[\w.~\-:\[\]]+$")


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard, with the exact socket addresses that were checked (connect to these only)."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[tuple[int, tuple], ...]  # (family, sockaddr) as getaddrinfo gave them


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, compatible, 6to4 or NAT64 forms."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _COMPAT and int(ip) > 1 or any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _label(ip: IPAddress) -> str | None:
    """Why an address (without embedded forms) is not public, or None when it is."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip in _CGNAT:
        return "shared CGNAT address"
    if ip.is_multicast:
        return "multicast address"
    if any(ip in net for net in _RFC1918) or ip in _UNIQUE_LOCAL:
        return "private address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local address"
    if ip == ipaddress.IPv4Address("255.255.255.255"):
        return "broadcast address"
    if ip.is_reserved or ip.is_private or not ip.is_global:
        return "reserved address"
    return None


def refusal(ip: IPAddress) -> tuple[IPAddress, str] | None:
    """(the address that decided, why) when ip is not a public address; None when it is."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        inner_label = _label(inner)
        if inner_label:
            return inner, inner_label
        if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped is not None or any(ip in n for n in _NAT64)):
            return None  # these reach exactly the IPv4 address they carry, which is public
    label = _label(ip)
    return (ip, label) if label else None


def _message(host: str, detail: str) -> str:
    return (
        f"Refused to connect to {host} ({detail}): outbound requests may only reach public addresses. "
        "An admin can allow it with SSRF_ALLOW."
    )


class AllowList:
    """SSRF_ALLOW entries: host names (exact, case-insensitive), IP addresses and networks (CIDR)."""

    def __init__(self, entries: Sequence[str]):
        self.names: set[str] = set()
        self.networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower().strip("[]").rstrip(".")
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if not _HOSTNAME.match(entry):
                raise ValueError(f"SSRF_ALLOW entry {raw!r} is not a host name, an IP address or a network (CIDR).")
            self.names.add(entry)

    def allows_name(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def allows_address(self, ip: IPAddress) -> bool:
        """An IPv4 entry opens that address and its IPv4-mapped form (the same host), never the 6to4, NAT64 or
        compatible addresses that carry it: those reach a relay (or nothing), not the host the admin named."""
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(c.version == net.version and c in net for c in candidates for net in self.networks)


def _split(url: str) -> SplitResult:
    if not isinstance(url, str) or not url.strip():
        raise OutboundError("The URL is empty.")
    if any(ch in url for ch in "\r\n\t\x00"):
        raise OutboundError("The URL contains control characters (line breaks or tabs).")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}: URLs" if scheme else "a URL without a scheme"
        raise Blocked(f"Only http and https URLs can be requested, not {shown}.")
    if "@" in parts.netloc:
        raise Blocked(
            "The URL has a user name or password before '@'; put credentials in a saved credential, not in the URL."
        )
    return parts


class Guard:
    """Checks a URL, resolving its host once; the Target it returns lists the only addresses to connect to."""

    def __init__(self, allow: Sequence[str] | None = None):
        self.allow = AllowList(settings.SSRF_ALLOW if allow is None else allow)

    @staticmethod
    def check_scheme(url: str) -> None:
        """Refuse what is not an http(s) URL without credentials in it, before anything else looks at it."""
        _split(url)

    def check(self, url: str) -> Target:
        parts = _split(url)
        scheme = parts.scheme.lower()
        netloc_host = parts.netloc.rpartition("@")[2]
        if not netloc_host or not _HOST_CHARS.match(netloc_host):
            raise OutboundError("The URL has no valid host name.")
        host = (parts.hostname or "").rstrip(".") if parts.hostname != "." else ""
        if not host:
            raise OutboundError("The URL has no host name.")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise OutboundError(f"The URL's port is not valid (host {host}).") from None
        return self._target(host, port, url.strip(), scheme)

    def check_host(self, host: str, port: int, scheme: str = "smtp") -> Target:
        """Check a host and port reached by another protocol than HTTP (SMTP): the same rules as for a URL's host."""
        text = (host or "").strip().strip("[]").rstrip(".")
        if not text or not _HOST_CHARS.match(text) or any(ch in text for ch in "\r\n\t\x00@/"):
            raise OutboundError(f"{host!r} is not a valid host name.")
        if not 0 < int(port) < 65536:
            raise OutboundError(f"The port {port} is not valid (host {text}).")
        return self._target(text, int(port), f"{scheme}://{text}:{port}", scheme)

    def _target(self, host: str, port: int, url: str, scheme: str) -> Target:
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise OutboundError(f"The host name {host!r} is not a valid international domain name.") from None
        named = self.allow.allows_name(host)
        if not named and host in METADATA_HOSTS:
            raise Blocked(_message(host, "cloud metadata service"))
        if not named and (host == "localhost" or host.endswith(".localhost")):
            raise Blocked(_message(host, "loopback name"))
        addresses = self._resolve(host, port)
        if not named:
            for _family, sockaddr in addresses:
                ip = ipaddress.ip_address(sockaddr[0])
                if self.allow.allows_address(ip):
                    continue
                refused = refusal(ip)
                if refused:
                    decided, label = refused
                    detail = label if str(decided) == host else f"{decided}, {label}"
                    raise Blocked(_message(host, detail))
        return Target(url=url, scheme=scheme, host=host, port=port, addresses=addresses)

    @staticmethod
    def _resolve(host: str, port: int) -> tuple[tuple[int, tuple], ...]:
        """One getaddrinfo call: the same answer is checked and then connected to, so DNS rebinding cannot win."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TransportError(f"Could not find the server {host}: the name does not resolve.") from exc
        seen: list[tuple[int, tuple]] = []
        for family, _type, _proto, _canon, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            if "%" in str(sockaddr[0]):
                raise Blocked(_message(host, f"{sockaddr[0]}, link-local address with a zone"))
            if (family, sockaddr) not in seen:
                seen.append((family, sockaddr))
        if not seen:
            raise TransportError(f"Could not find the server {host}: the name has no IP address.")
        return tuple(seen)
