"""Real peers for the email node: aiosmtpd on 127.0.0.1 (plain, STARTTLS, SSL; with AUTH), a self-signed certificate
made here with `cryptography`, and a local HTTP server for attachments."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from integrations.services import Services
from tests.support.tls import Certificate, self_signed

USER, PASSWORD = "bot@example.com", "s3cret-Passw0rd!"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Handler:
    """What the server received; handle_RCPT answers 550 for the addresses in `refuse`."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, user)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
        return f"250 2.0.0 Ok: queued as Q{len(self.messages)}"


def _authenticator(handler: Handler):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        handler.logins.append((mechanism, user))
        ok = user == USER and password == PASSWORD
        return AuthResult(success=ok, handled=ok)  # handled=False: aiosmtpd answers 535 itself

    return authenticate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> Certificate:
    """A self-signed certificate for localhost (and 127.0.0.2, a name it is not for, stays out)."""
    return self_signed(tmp_path_factory.mktemp("smtp-tls"))


@dataclass
class SmtpPeer:
    handler: Handler
    controller: Controller
    port: int
    security: str
    server_names: list[str | None]

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@pytest.fixture
def smtp_server(certificate):
    """start(security="none"|"starttls"|"ssl", auth=False): an aiosmtpd server on 127.0.0.1, stopped after the test."""
    started: list[Controller] = []

    def start(security: str = "none", *, auth: bool = False) -> SmtpPeer:
        handler = Handler()
        server_names: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert_file, certificate.key_file)
        context.sni_callback = lambda sock, server_name, ctx: server_names.append(server_name)
        port = free_port()
        kwargs: dict = {"hostname": "127.0.0.1", "port": port, "server_hostname": "localhost"}
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif security == "ssl":
            kwargs.update(ssl_context=context)
        if auth:
            # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; on an SSL listener everything is TLS anyway.
            kwargs.update(authenticator=_authenticator(handler), auth_required=True, auth_require_tls=security != "ssl")
        controller = Controller(handler, **kwargs)
        controller.start()
        started.append(controller)
        return SmtpPeer(handler, controller, port, security, server_names)

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def loopback(settings):
    """The guard lets the tests reach 127.0.0.1 (and localhost, the name the certificate is for)."""
    settings.SSRF_ALLOW = ["127.0.0.1", "localhost"]
    settings.HTTP_HOST_RATE = "1000/s"
    settings.SMTP_CA_BUNDLE = ""
    return settings


@pytest.fixture
def svc(db, loopback):
    from flows.assets import loader

    return Services(flow_id="", assets=loader(None))


@pytest.fixture
def http_server(httpserver_ipv4):
    yield httpserver_ipv4
    httpserver_ipv4.clear()


def ip(text: str) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(text)
