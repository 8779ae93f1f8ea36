"""Helpers: an smtp credential pointing at a test peer, and the email node run through the real engine."""

from __future__ import annotations

import json
from typing import Any

from integrations.models import Credential
from tests.integrations.nodes.support import credential, run

from .conftest import PASSWORD, USER, SmtpPeer


def smtp_credential(
    peer: SmtpPeer,
    *,
    name: str = "Mail",
    host: str = "127.0.0.1",
    auth: bool = False,
    password: str = PASSWORD,
    ca: str = "",
    **settings: Any,
) -> Credential:
    conf = {
        "host": host,
        "port": str(peer.port),
        "security": peer.security,
        "from_address": "bot@example.com",
        "from_name": "Example Support",
        "ca_certificate": ca,
        **settings,
    }
    secrets = {}
    if auth:
        conf["username"] = USER
        secrets["password"] = password
    return credential(name, "smtp", conf, secrets)


def send(svc: Any, cred: Credential, variables: dict[str, Any] | None = None, **data: Any):
    """The email node with these fields (to, subject, text... ) in a real flow."""
    fields = {"credential": cred.pk, "subject": "Hello", "text": "Hi there.", **data}
    return run("email", fields, svc, variables)


def dumped(value: Any) -> str:
    return json.dumps(value, default=str)
