"""The smtp credential kind: its admin form's rules, and the connection check run from admin against aiosmtpd."""

from __future__ import annotations

from integrations import kinds
from integrations.models import Credential

from .conftest import PASSWORD, USER
from .support import smtp_credential


def check_from_admin(admin_client, cred: Credential) -> tuple[str, str]:
    response = admin_client.post(f"/admin/integrations/credential/{cred.pk}/check/", follow=True)
    assert response.status_code == 200
    cred.refresh_from_db()
    return cred.check_status, cred.check_message


def test_the_check_connects_starts_tls_logs_in_and_quits(admin_client, smtp_server, certificate, loopback):
    peer = smtp_server("starttls", auth=True)
    status, message = check_from_admin(
        admin_client, smtp_credential(peer, host="localhost", auth=True, ca=certificate.pem)
    )
    assert status == "ok", message
    assert message.startswith(f"Connected to localhost:{peer.port} with STARTTLS, logged in as {USER} in ")
    assert peer.handler.logins == [("PLAIN", USER)] and peer.messages == []


def test_the_check_says_why_it_failed(admin_client, smtp_server, certificate, loopback):
    peer = smtp_server("starttls", auth=True)
    wrong = smtp_credential(peer, name="w", host="localhost", auth=True, password="Wrong-pass-123", ca=certificate.pem)
    status, message = check_from_admin(admin_client, wrong)
    assert status == "failed"
    assert message.startswith(f"The SMTP server localhost refused the login for {USER}: 535 5.7.8")
    assert "Wrong-pass-123" not in message
    untrusted = smtp_credential(peer, name="u", host="localhost", auth=True)
    assert check_from_admin(admin_client, untrusted)[1].startswith(
        "The TLS certificate of localhost was not accepted: self-signed certificate"
    )
    loopback.SSRF_ALLOW = []
    blocked = check_from_admin(admin_client, smtp_credential(peer, name="b", auth=True, ca=certificate.pem))
    assert blocked == (
        "failed",
        "Refused to connect to 127.0.0.1 (loopback address): outbound requests may only reach public addresses. "
        "An admin can allow it with SSRF_ALLOW.",
    )


def test_the_form_rules():
    kind = kinds.get("smtp")
    assert kind.validate({"security": "starttls"}, {}) == {
        "host": "Host is required.",
        "from_address": "From address is required.",
    }
    problems = kind.validate(
        {"host": "smtp://x", "port": "99999", "security": "none", "username": "u", "from_address": "bot",
         "ca_certificate": "nonsense"},
        {"password": PASSWORD},
    )  # fmt: skip
    assert problems == {
        "host": "Give the host name only, such as smtp.example.com (no scheme, path or user).",
        "port": "A port is a number from 1 to 65535.",
        "from_address": "'bot' is not an email address (name@domain).",
        "security": "Logging in without encryption would send the password in clear text: choose STARTTLS or SSL.",
        "ca_certificate": "This is not a PEM certificate (-----BEGIN CERTIFICATE----- ...).",
    }
