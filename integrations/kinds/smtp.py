"""SMTP server: host, port, security (none / STARTTLS / SSL), login, the From address and name, a rate limit.

The connection check connects through the SSRF guard, starts TLS, logs in and quits (integrations/smtp.py).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

from .base import CHOICE, RATE, TEXT, CheckFailed, Field, Kind

SECURITY = (
    ("starttls", "STARTTLS (usually port 587)"),
    ("ssl", "SSL/TLS from the start (usually port 465)"),
    ("none", "None (port 25, local relays only)"),
)


class Smtp(Kind):
    key = "smtp"
    label = "SMTP server"
    description = "Sends email: the server, how to log in, and the From address messages are sent from."
    fields = (
        Field("host", "Host", "Such as smtp.example.com.", required=True),
        Field("port", "Port", "Blank: 587 for STARTTLS, 465 for SSL, 25 for none."),
        Field("security", "Security", type=CHOICE, choices=SECURITY, default="starttls", required=True),
        Field("username", "Username", "Blank when the server needs no login."),
        Field("password", "Password", secret=True),
        Field("from_address", "From address", "Messages are sent from this address, such as bot@example.com.",
              required=True),
        Field("from_name", "From name", "Shown as the sender's name, such as Example Support."),
        Field("rate_limit", "Rate limit", 'At most this many messages, such as "30/m" or "1/s"; blank for none.',
              type=RATE),
        Field("ca_certificate", "CA certificate", "PEM of the authority that signed the server's certificate, for a "
              "self-hosted server with a private CA. Blank: the system's trusted authorities.", type=TEXT),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        from integrations.providers.mail import address_problem

        problems: dict[str, str] = {}
        host = str(settings.get("host") or "").strip()
        if host and ("://" in host or "/" in host or " " in host or "@" in host):
            problems["host"] = "Give the host name only, such as smtp.example.com (no scheme, path or user)."
        port = str(settings.get("port") or "").strip()
        if port and (not port.isdigit() or not 0 < int(port) < 65536):
            problems["port"] = "A port is a number from 1 to 65535."
        address = str(settings.get("from_address") or "").strip()
        problem = address_problem(address) if address else None
        if problem:
            problems["from_address"] = f"{address!r} {problem}."
        name = str(settings.get("from_name") or "")
        if "\n" in name or "\r" in name:
            problems["from_name"] = "The name cannot contain a line break."
        if secrets.get("password") and not settings.get("username"):
            problems["username"] = "A password is given: give the username it belongs to."
        if settings.get("username") and settings.get("security") == "none":
            problems["security"] = (
                "Logging in without encryption would send the password in clear text: choose STARTTLS or SSL."
            )
        pem = str(settings.get("ca_certificate") or "").strip()
        if pem:
            try:
                ssl.create_default_context(cadata=pem)
            except (ssl.SSLError, ValueError):
                problems["ca_certificate"] = "This is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)."
        return problems

    def summary(self, settings: Mapping[str, Any]) -> str:
        security = str(settings.get("security") or "starttls")
        port = settings.get("port") or {"starttls": 587, "ssl": 465, "none": 25}.get(security, "")
        return f"{settings.get('from_address', '')} via {settings.get('host', '')}:{port} ({security})"

    def client(self, resolved: Any, services: Any = None, **options: Any) -> Any:
        """The server and the login to it (integrations.smtp.Server), for smtp.Connection to send through."""
        from integrations.providers import smtp

        conf = resolved.settings
        security = str(conf.get("security") or smtp.STARTTLS)
        return smtp.Server(
            host=str(conf.get("host") or "").strip(),
            port=int(conf.get("port") or smtp.DEFAULT_PORTS.get(security, 587)),
            security=security,
            username=str(conf.get("username") or ""),
            password=str(resolved.secrets.get("password") or ""),
            ca_pem=str(conf.get("ca_certificate") or "").strip(),
        )

    def check(self, resolved, services) -> str:
        from integrations.providers import smtp

        try:
            return smtp.check(self.client(resolved))
        except smtp.SmtpError as exc:
            raise CheckFailed(str(exc)) from None
