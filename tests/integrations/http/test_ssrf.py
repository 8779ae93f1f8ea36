"""The SSRF guard: a corpus of internal targets, all refused by default; the allow-list opens exactly its names."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from werkzeug import Response

from integrations.errors import Blocked, OutboundError
from integrations.http import GuardedClient
from integrations.http.ssrf import Guard

from .conftest import url

REFUSED = "outbound requests may only reach public addresses. An admin can allow it with SSRF_ALLOW."


def _resolves_internally(name: str) -> bool:
    try:
        infos = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return any(not ipaddress.ip_address(info[4][0]).is_global for info in infos)


# {v4} is the port of the live server on 127.0.0.1 and {v6} that of the one on ::1: were the guard to let a loopback
# spelling through, the request would really arrive, and the test checks that none did.
CORPUS = [
    # loopback, every spelling
    "http://127.0.0.1:{v4}/",
    "http://127.1:{v4}/",
    "http://2130706433:{v4}/",
    "http://0x7f000001:{v4}/",
    "http://0177.0.0.1:{v4}/",
    "http://017700000001:{v4}/",
    "http://0x7f.0.0.1:{v4}/",
    "http://127.0.0.2/",
    "https://127.0.0.1:{v4}/",
    "http://[::1]:{v6}/",
    "http://[0:0:0:0:0:0:0:1]:{v6}/",
    "http://[::ffff:127.0.0.1]:{v4}/",
    "http://[::ffff:7f00:1]:{v4}/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{v4}/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://localhost:{v4}/",
    "http://LOCALHOST:{v4}/",
    "http://localhost.:{v4}/",
    "http://app.localhost/",
    # unspecified
    "http://0.0.0.0:{v4}/",
    "http://0:{v4}/",
    "http://[::]:{v6}/",
    # private
    "http://10.0.0.1/",
    "http://10.255.255.254/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.0.1/",
    "https://192.168.1.1:8443/admin",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    # link-local and cloud metadata
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.0.1/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.google.internal./",
    "http://metadata.goog/",
    # CGNAT, multicast, reserved, broadcast
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    # not http(s)
    "file:///etc/passwd",
    "ftp://ftp.example.com/file",
    "gopher://127.0.0.1:6379/_INFO",
    "dict://127.0.0.1:11211/stat",
    "data:text/plain,hello",
    "javascript:alert(1)",
    "ldap://127.0.0.1/",
    "//example.com/no-scheme",
    # parser confusion: credentials or backslashes before the host
    "http://example.com@127.0.0.1:{v4}/",
    "http://example.com\\@127.0.0.1:{v4}/",
    "http://127.0.0.1:{v4}#@example.com/",
]
# The machine's own name resolves to a loopback or private address on most hosts (here, via /etc/hosts).
if _resolves_internally(socket.gethostname()):
    CORPUS.append("http://" + socket.gethostname() + ":{v4}/")


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("template", CORPUS)
def test_refused_by_default(template, server, server6):
    target = template.format(v4=server.port, v6=server6.port)
    client = GuardedClient()
    with pytest.raises(Blocked) as caught:
        client.request("GET", target)
    message = str(caught.value)
    assert (
        message.endswith(REFUSED)
        or message.startswith("Only http and https URLs can be requested")
        or "user name or password" in message
    ), message
    assert server.log == [] and server6.log == []
    assert client.exchanges[-1]["error"] == message and client.exchanges[-1]["response"] is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://127.0.0.1/", "Refused to connect to 127.0.0.1 (loopback address): " + REFUSED),
        ("http://2130706433/", "Refused to connect to 2130706433 (127.0.0.1, loopback address): " + REFUSED),
        ("http://[::ffff:7f00:1]/", "Refused to connect to ::ffff:7f00:1 (127.0.0.1, loopback address): " + REFUSED),
        ("http://localhost/", "Refused to connect to localhost (loopback name): " + REFUSED),
        ("http://169.254.169.254/", "Refused to connect to 169.254.169.254 (cloud metadata address): " + REFUSED),
        (
            "http://metadata.google.internal/",
            "Refused to connect to metadata.google.internal (cloud metadata service): " + REFUSED,
        ),
        ("http://100.64.0.1/", "Refused to connect to 100.64.0.1 (shared CGNAT address): " + REFUSED),
        ("http://10.1.2.3/", "Refused to connect to 10.1.2.3 (private address): " + REFUSED),
        ("http://224.0.0.1/", "Refused to connect to 224.0.0.1 (multicast address): " + REFUSED),
        ("http://0.0.0.0/", "Refused to connect to 0.0.0.0 (unspecified address): " + REFUSED),
        ("http://[fe80::1]/", "Refused to connect to fe80::1 (link-local address): " + REFUSED),
        ("file:///etc/passwd", "Only http and https URLs can be requested, not file: URLs."),
        ("gopher://x/", "Only http and https URLs can be requested, not gopher: URLs."),
    ],
)
def test_refusals_say_what_and_why(target, expected):
    with pytest.raises(Blocked) as caught:
        GuardedClient().request("GET", target)
    assert str(caught.value) == expected


def test_public_addresses_pass_the_guard_without_connecting():
    guard = Guard(allow=[])
    for address in ("8.8.8.8", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]"):
        target = guard.check(f"https://{address}/dns-query")
        assert target.port == 443 and len(target.addresses) == 1


# --- redirects from an allowed server: every hop is checked again ------------------------------------------------


def _redirects_to(server, location: str) -> None:
    server.expect_request("/go").respond_with_response(Response(status=302, headers={"Location": location}))


@pytest.mark.parametrize(
    ("location", "refusal"),
    [
        ("http://[::1]:{v6}/", "Refused to connect to ::1 (loopback address)"),
        ("http://169.254.169.254/latest/meta-data/", "Refused to connect to 169.254.169.254 (cloud metadata address)"),
        ("http://localhost:{v4}/", "Refused to connect to localhost (loopback name)"),
        ("http://127.0.0.2:{v4b}/", "Refused to connect to 127.0.0.2 (loopback address)"),
        ("http://metadata.google.internal/", "Refused to connect to metadata.google.internal (cloud metadata service)"),
        ("http://10.0.0.5/", "Refused to connect to 10.0.0.5 (private address)"),
        (
            "http://[::ffff:169.254.169.254]/",
            "Refused to connect to ::ffff:169.254.169.254 (169.254.169.254, cloud metadata",
        ),
    ],
)
def test_redirect_to_an_internal_address_is_refused(location, refusal, server, server2, server6):
    _redirects_to(server, location.format(v4=server.port, v6=server6.port, v4b=server2.port))
    client = GuardedClient(allow=["127.0.0.1"])
    with pytest.raises(Blocked) as caught:
        client.request("GET", url(server, "/go"))
    assert str(caught.value).startswith(f"Refused to follow the redirect from 127.0.0.1: {refusal[0].lower()}")
    assert refusal[1:] in str(caught.value)
    assert len(server.log) == 1 and server2.log == [] and server6.log == []


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "ftp://example.com/"])
def test_redirect_to_another_scheme_is_refused(location, server):
    _redirects_to(server, location)
    with pytest.raises(Blocked, match="Only http and https URLs can be requested"):
        GuardedClient(allow=["127.0.0.1"]).request("GET", url(server, "/go"))
    assert len(server.log) == 1


def test_a_chain_of_allowed_hops_that_ends_on_loopback_is_refused(server, server6):
    server.expect_request("/one").respond_with_response(Response(status=301, headers={"Location": "/two"}))
    server.expect_request("/two").respond_with_response(
        Response(status=307, headers={"Location": f"http://[::1]:{server6.port}/"})
    )
    server6.expect_request("/").respond_with_data("internal secrets")
    with pytest.raises(Blocked, match=r"^Refused to follow the redirect from 127\.0\.0\.1: refused to connect to ::1"):
        GuardedClient(allow=["127.0.0.1"]).request("GET", url(server, "/one"))
    assert [req.path for req, _ in server.log] == ["/one", "/two"] and server6.log == []


# --- the allow-list opens exactly what it names ------------------------------------------------------------------


def test_an_allowed_ip_opens_that_address_only(server, server2, server6):
    for peer in (server, server2, server6):
        peer.expect_request("/").respond_with_data("hello")
    client = GuardedClient(allow=["127.0.0.1"])
    assert client.request("GET", url(server)).text == "hello"
    with pytest.raises(Blocked, match=r"127\.0\.0\.2 \(loopback address\)"):
        client.request("GET", url(server2))
    with pytest.raises(Blocked, match=r"::1 \(loopback address\)"):
        client.request("GET", url(server6))
    with pytest.raises(Blocked, match=r"localhost \(loopback name\)"):
        client.request("GET", url(server, host="localhost"))
    assert len(server.log) == 1 and server2.log == [] and server6.log == []


@pytest.mark.parametrize("allowed", ["127.0.0.2", "127.0.0.0/8"])
@pytest.mark.parametrize(
    ("relay", "carried"),
    [
        ("2002:7f00:2::", "6to4"),
        ("64:ff9b::7f00:2", "NAT64"),
        ("64:ff9b:1::7f00:2", "local-use NAT64"),
        ("::127.0.0.2", "IPv4-compatible"),
    ],
)
def test_an_ipv4_entry_does_not_open_the_ipv6_relays_that_carry_its_address(allowed, relay, carried):
    """6to4 and NAT64 addresses reach a relay that forwards to the IPv4 address, not the host the admin allowed."""
    with pytest.raises(Blocked) as caught:
        Guard(allow=[allowed]).check(f"http://[{relay}]/")
    assert str(caught.value).startswith(f"Refused to connect to {relay} (127.0.0.2, loopback address)"), carried


def test_an_ipv4_entry_opens_its_ipv4_mapped_form(server2):
    """::ffff:127.0.0.2 is the same host reached over an IPv6 socket: the request arrives."""
    server2.expect_request("/").respond_with_data("hello")
    client = GuardedClient(allow=["127.0.0.2"])
    assert client.request("GET", f"http://[::ffff:127.0.0.2]:{server2.port}/").text == "hello"
    assert len(server2.log) == 1


def test_a_network_opens_every_address_in_it(server, server2, server6):
    for peer in (server, server2, server6):
        peer.expect_request("/").respond_with_data("hello")
    client = GuardedClient(allow=["127.0.0.0/8"])
    assert client.request("GET", url(server)).status == 200
    assert client.request("GET", url(server2)).status == 200
    with pytest.raises(Blocked):
        client.request("GET", url(server6))
    assert GuardedClient(allow=["::1/128"]).request("GET", url(server6)).status == 200


def test_a_host_name_entry_opens_that_name_not_its_address(server):
    server.expect_request("/").respond_with_data("hello")
    client = GuardedClient(allow=["LocalHost"])
    assert client.request("GET", url(server, host="localhost")).text == "hello"
    with pytest.raises(Blocked):
        client.request("GET", url(server))
    assert len(server.log) == 1


def test_the_setting_is_the_default_allow_list(server, settings):
    server.expect_request("/").respond_with_data("hello")
    settings.SSRF_ALLOW = ["127.0.0.1"]
    assert GuardedClient().request("GET", url(server)).status == 200
    with pytest.raises(Blocked):
        GuardedClient(allow=[]).request("GET", url(server))


def test_an_unreadable_allow_list_entry_is_a_clear_configuration_error():
    with pytest.raises(ValueError, match="SSRF_ALLOW entry 'http://intranet/' is not a host name"):
        GuardedClient(allow=["http://intranet/"])


def test_names_that_do_not_resolve_fail_as_transport_errors():
    with pytest.raises(OutboundError, match=r"^Could not find the server no-such-host\.invalid: the name does not"):
        GuardedClient().request("GET", "http://no-such-host.invalid/")
