"""SMTP through the SSRF guard: the host is checked, the checked address is connected to, TLS verifies the host name.

The only module that imports smtplib (ruff TID251). smtplib's debug output would print AUTH lines, so debuglevel
stays 0; errors are turned into sentences built from the host, the SMTP code and the server's text, never a secret.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

from integrations.errors import Blocked, OutboundError, SmtpError
from integrations.http.ssrf import Guard, Target

NONE, STARTTLS, SSL = "none", "starttls", "ssl"
DEFAULT_PORTS = {NONE: 25, STARTTLS: 587, SSL: 465}
REPLY_CHARS = 300


class LoginRefused(SmtpError):
    """The server refused the username or password."""


@dataclass(frozen=True)
class Server:
    """Where and how to connect and log in (kinds.smtp.Smtp.client makes it from a credential); no password in repr."""

    host: str
    port: int
    security: str = STARTTLS
    username: str = ""
    password: str = field(default="", repr=False)
    ca_pem: str = ""


@dataclass
class Sent:
    """What the server said about one message: accepted and refused recipients, and its final answer."""

    accepted: list[str]
    refused: dict[str, str]
    response: str
    elapsed_ms: float = 0.0


def tls_context(ca_pem: str = "") -> ssl.SSLContext:
    """Certificates verified against the system's CAs, or SMTP_CA_BUNDLE, or the credential's own CA certificate."""
    cafile = str(settings.SMTP_CA_BUNDLE or "") or None
    if ca_pem:
        context = ssl.create_default_context(cadata=ca_pem)
        if cafile:
            context.load_verify_locations(cafile=cafile)
        return context
    return ssl.create_default_context(cafile=cafile)


@cache
def _helo_name() -> str:
    """EHLO name: EMAIL_HELO_NAME, else this machine's FQDN (looked up once: getfqdn can be slow)."""
    return str(settings.EMAIL_HELO_NAME or "") or socket.getfqdn() or "localhost"


class _GuardedSMTP(smtplib.SMTP):
    """smtplib connecting to the guard's checked addresses only; TLS (SSL or STARTTLS) uses the host name."""

    def __init__(self, target: Target, *, implicit_tls: bool, context: ssl.SSLContext, timeout: float):
        self.target = target
        self.implicit_tls = implicit_tls
        self.context = context
        super().__init__(local_hostname=_helo_name(), timeout=timeout)
        self._host = target.host  # SNI and the certificate check use the name, not the address connected to

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        error: OSError | None = None
        for family, sockaddr in self.target.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            if self.implicit_tls:
                try:
                    return self.context.wrap_socket(sock, server_hostname=self._host)
                except BaseException:
                    sock.close()
                    raise
            return sock
        raise error or OSError("no address to connect to")


def _reply(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    flat = " ".join(str(text or "").split())[:REPLY_CHARS]
    return f"{code} {flat}".strip() if code else flat


def explain(exc: BaseException, server: Server, stage: str = "") -> SmtpError:
    """A sentence for what went wrong talking to the server; never its exception text verbatim (no secrets)."""
    host = server.host
    if isinstance(exc, SmtpError):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        who = f" for {server.username}" if server.username else ""
        return LoginRefused(
            f"The SMTP server {host} refused the login{who}: {_reply(exc.smtp_code, exc.smtp_error)}. "
            "Check the username and password of the credential.",
            code=exc.smtp_code,
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "certificate verify failed"
        return SmtpError(
            f"The TLS certificate of {host} was not accepted: {reason}. If the server uses a private certificate "
            "authority, add its certificate to the credential (CA certificate) or to SMTP_CA_BUNDLE."
        )
    if isinstance(exc, ssl.SSLError):
        return SmtpError(f"The TLS connection to {host} on port {server.port} failed ({exc.reason or 'handshake'}).")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if stage == "starttls":
            return SmtpError(f"The SMTP server {host} does not offer STARTTLS; choose SSL or no encryption.")
        if stage == "login":
            return SmtpError(f"The SMTP server {host} does not offer login (AUTH); clear the credential's username.")
        return SmtpError(f"The SMTP server {host} does not support what was asked ({stage or 'a command'}).")
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        transient = 400 <= code < 500
        return SmtpError(
            f"The SMTP server {host} answered {_reply(code, exc.smtp_error)}"
            + (f" to {stage}" if stage else "")
            + (" (a temporary failure)." if transient else "."),
            retryable=transient,
            code=code,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SmtpError(f"The SMTP server {host} closed the connection unexpectedly.", retryable=True)
    if isinstance(exc, TimeoutError | socket.timeout):
        return SmtpError(f"The SMTP server {host} on port {server.port} did not answer in time.", retryable=True)
    if isinstance(exc, ConnectionRefusedError):
        return SmtpError(f"Could not connect to {host} on port {server.port}: connection refused.", retryable=True)
    if isinstance(exc, OSError):
        reason = (exc.strerror or type(exc).__name__).lower()
        return SmtpError(f"Could not connect to {host} on port {server.port}: {reason}.", retryable=True)
    return SmtpError(f"The exchange with the SMTP server {host} failed ({type(exc).__name__}).")


class Connection:
    """One SMTP session: connect (through the guard), TLS, login; then send one message or many; quit."""

    def __init__(self, server: Server, *, timeout_s: float = 30.0, guard: Guard | None = None):
        self.server = server
        self.timeout_s = timeout_s
        self.guard = guard or Guard()
        self.smtp: _GuardedSMTP | None = None

    def open(self) -> Connection:
        server = self.server
        if not server.host:
            raise SmtpError("The SMTP credential has no host.")
        if server.security not in DEFAULT_PORTS:
            raise SmtpError(f"Unknown SMTP security {server.security!r}: choose none, starttls or ssl.")
        try:
            target = self.guard.check_host(server.host, server.port, "smtp")
        except Blocked:
            raise
        except OutboundError as exc:
            raise SmtpError(str(exc), retryable=True) from None
        stage = "connect"
        try:
            context = tls_context(server.ca_pem)
        except (ssl.SSLError, ValueError) as exc:
            raise SmtpError(f"The CA certificate of the credential cannot be read ({type(exc).__name__}).") from None
        try:
            smtp = _GuardedSMTP(target, implicit_tls=server.security == SSL, context=context, timeout=self.timeout_s)
            self.smtp = smtp
            smtp.connect(target.host, target.port)
            stage = "EHLO"
            smtp.ehlo()
            if server.security == STARTTLS:
                stage = "starttls"
                smtp.starttls(context=context)
                smtp.ehlo()
            if server.username:
                stage = "login"
                smtp.login(server.username, server.password)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a sentence; the socket is closed
            self.close()
            raise explain(exc, server, stage) from None
        return self

    def __enter__(self) -> Connection:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.quit()

    def send(self, sender: str, recipients: list[str], data: bytes, *, smtputf8: bool = False) -> Sent:
        """MAIL FROM, RCPT TO each recipient, DATA; refused recipients are reported, not raised (unless all are)."""
        smtp = self.smtp
        if smtp is None:
            raise SmtpError("The SMTP connection is not open.")
        host = self.server.host
        t0 = time.perf_counter()
        options: list[str] = []
        stage = "MAIL FROM"
        try:
            if smtputf8:
                if not smtp.has_extn("smtputf8"):
                    raise SmtpError(
                        f"The SMTP server {host} does not accept international (non-ASCII) addresses (no SMTPUTF8)."
                    )
                options.append("SMTPUTF8")
            if smtp.has_extn("size"):
                options.append(f"SIZE={len(data)}")
            code, text = smtp.mail(sender, options)
            if code != 250:
                smtp.rset()
                raise SmtpError(
                    f"The SMTP server {host} refused the sender {sender}: {_reply(code, text)}.",
                    retryable=400 <= code < 500,
                    code=code,
                )
            accepted, refused = [], {}
            for rcpt in recipients:
                stage = "RCPT TO"
                code, text = smtp.rcpt(rcpt)
                if code in (250, 251):
                    accepted.append(rcpt)
                else:
                    refused[rcpt] = _reply(code, text)
            if not accepted:
                smtp.rset()
                shown = "; ".join(f"{k}: {v}" for k, v in refused.items())
                codes = [int(v.split(" ", 1)[0]) for v in refused.values() if v[:3].isdigit()]
                raise SmtpError(
                    f"The SMTP server {host} refused every recipient ({shown}).",
                    retryable=bool(codes) and all(400 <= c < 500 for c in codes),
                    code=codes[0] if codes else None,
                )
            stage = "DATA"
            code, text = smtp.data(data)
            if code != 250:
                raise SmtpError(
                    f"The SMTP server {host} did not accept the message: {_reply(code, text)}.",
                    retryable=400 <= code < 500,
                    code=code,
                )
        except smtplib.SMTPDataError as exc:
            raise SmtpError(
                f"The SMTP server {host} did not accept the message: {_reply(exc.smtp_code, exc.smtp_error)}.",
                retryable=400 <= exc.smtp_code < 500,
                code=exc.smtp_code,
            ) from None
        except Exception as exc:  # noqa: BLE001 - a sentence, never the exception's own text
            raise explain(exc, self.server, stage) from None
        return Sent(accepted, refused, _reply(code, text), round((time.perf_counter() - t0) * 1000, 1))

    def reset(self) -> None:
        """RSET after a failed message, so the session can carry the next one."""
        if self.smtp is not None:
            try:
                self.smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def quit(self) -> None:
        if self.smtp is None:
            return
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.smtp.quit()
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    @property
    def alive(self) -> bool:
        return self.smtp is not None and self.smtp.sock is not None


def check(server: Server, timeout_s: float = 10.0) -> str:
    """The connection check: connect, TLS, log in, quit; a sentence saying what worked."""
    t0 = time.perf_counter()
    with Connection(server, timeout_s=timeout_s):
        pass
    tls = {SSL: " over SSL", STARTTLS: " with STARTTLS", NONE: " without encryption"}[server.security]
    who = f", logged in as {server.username}" if server.username else ""
    elapsed = (time.perf_counter() - t0) * 1000
    return f"Connected to {server.host}:{server.port}{tls}{who} in {elapsed:.0f} ms."
