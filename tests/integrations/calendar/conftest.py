"""Fixtures: a real Radicale server for the session (htpasswd, plain), a fresh calendar per test, a local Microsoft
Graph, loopback opened to the guarded client, a vault key, real Services."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import caldav
import pytest
from cryptography.fernet import Fernet

from integrations.services import Services
from tests.integrations.nodes.support import credential

from .graph import FakeGraph

USER, PASSWORD = "alice", "Sup3r-Secret-CalDAV-pw"


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.SSRF_ALLOW = ["127.0.0.1"]
    settings.HTTP_HOST_RATE = "1000/s"
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]
    return settings


@pytest.fixture
def svc(db, loopback):
    return Services(flow_id="flow-7")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """Radicale on 127.0.0.1 with one user (plain htpasswd, so a wrong password is a real 401); its base URL."""
    root: Path = tmp_path_factory.mktemp("radicale")
    (root / "users").write_text(f"{USER}:{PASSWORD}\n")
    port = _free_port()
    (root / "config").write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\nhtpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {root / 'storage'}\n"
        "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n"
    )
    log = (root / "log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(root / "config")], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"Radicale did not start: {(root / 'log').read_text()[-2000:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(10)
    log.close()


class DavPeer:
    """The test's own view of the Radicale calendar (the caldav library used directly, as a person's app would)."""

    def __init__(self, principal, name: str):
        self.name = name
        self.calendar = principal.make_calendar(name=name)

    def add(self, uid: str, start, end, summary: str = "Busy", attendees=(), transparent: bool = False) -> None:
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//tests//EN",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{end.strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{summary}",
            *[f"ATTENDEE:mailto:{a}" for a in attendees],
            *(["TRANSP:TRANSPARENT"] if transparent else []),
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        self.calendar.save_event("\r\n".join(lines) + "\r\n")

    def events(self) -> list:
        """Every VEVENT in the calendar, as icalendar components."""
        found = []
        for obj in self.calendar.events():
            found.extend(obj.icalendar_instance.walk("VEVENT"))
        return found


@pytest.fixture(scope="session")
def dav_principal(radicale):
    client = caldav.DAVClient(url=radicale, username=USER, password=PASSWORD)
    yield client.principal()
    client.close()


@pytest.fixture
def dav(dav_principal):
    """A fresh calendar of its own for the test, in the session's Radicale."""
    peer = DavPeer(dav_principal, f"Appointments {uuid.uuid4().hex[:8]}")
    yield peer
    peer.calendar.delete()


@pytest.fixture
def dav_cred(db, loopback, radicale, dav):
    return credential(
        "Clinic calendar",
        "caldav",
        {"url": radicale, "username": USER, "calendar": dav.name},
        {"password": PASSWORD},
    )


@pytest.fixture
def graph(httpserver_ipv4):
    """A local Microsoft Graph (token endpoint, getSchedule, events, calendarView) on 127.0.0.1."""
    fake = FakeGraph(httpserver_ipv4)
    yield fake
    httpserver_ipv4.clear()


@pytest.fixture
def graph_cred(db, loopback, graph):
    return credential(
        "Outlook calendar",
        "microsoft_graph",
        {
            "tenant_id": graph.tenant,
            "client_id": graph.client_id,
            "mailbox": graph.mailbox,
            "authority": graph.authority,
            "graph_url": graph.graph_url,
        },
        {"client_secret": graph.client_secret},
    )
