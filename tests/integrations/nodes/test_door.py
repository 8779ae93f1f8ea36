"""One door to the outside: no module under nodes/ reads a secret, and the connection a node holds carries none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from integrations.errors import CredentialError
from integrations.models import CredentialEvent

from .support import credential

NODES = Path(__file__).resolve().parents[3] / "nodes"
# What reads a secret or writes a row: the vault and the credential resolver, a credential's secrets, the redactor
# (it is taught secrets), signing secrets, and the ORM's managers.
SECRET_ATTRIBUTES = {"secrets", "secrets_encrypted", "redactor", "objects", "register"}
SECRET_NAMES = {"vault", "decrypt", "decrypt_credential", "resolve", "signing_secrets", "first_signing_secret"}
FORBIDDEN_MODULES = ("integrations.vault", "integrations.credentials", "integrations.services", "django.db")


def secret_reads(source: str, path: str = "<source>") -> list[str]:
    """Where the code reads a secret or touches the ORM, as "path:line what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in SECRET_ATTRIBUTES:
            found.append(f"{path}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in SECRET_NAMES:
            found.append(f"{path}:{node.lineno} {node.id}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [f"{path}:{node.lineno} import {n}" for n in names if n.startswith(FORBIDDEN_MODULES)]
            found += [f"{path}:{node.lineno} import {a.name}" for a in node.names if a.name in SECRET_NAMES]
        elif isinstance(node, ast.Import):
            found += [
                f"{path}:{node.lineno} import {a.name}" for a in node.names if a.name.startswith(FORBIDDEN_MODULES)
            ]
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "secrets":
            found.append(f"{path}:{node.lineno} ['secrets']")
    return found


def test_no_module_under_nodes_reads_a_secret_or_touches_the_orm():
    modules = sorted(NODES.rglob("*.py"))
    assert len(modules) > 20  # the scan sees the node types
    found = [hit for module in modules for hit in secret_reads(module.read_text(), str(module.relative_to(NODES)))]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        'key = cred.secrets.get("api_key")',
        "from integrations import vault",
        "from integrations.credentials import resolve",
        "from integrations.kinds.webhook_secret import signing_secrets",
        "svc.redactor.add(path)",
        "Booking.objects.create(key=key)",
        "from django.db import transaction",
        'token = getattr(cred, "x")["secrets"]',
    ],
)
def test_the_scan_finds_each_way_of_reading_a_secret(source):
    assert secret_reads(source)


def test_a_connection_carries_the_name_kind_and_settings_and_no_secret(svc):
    token = "tok-door-0123456789abcdef"
    stored = credential(
        "CRM", "api_connection", {"base_url": "https://crm.example.com", "auth_type": "bearer"}, {"token": token}
    )

    conn = svc.connection(stored.pk, kinds=["api_connection"], node_id="n1")

    assert (conn.id, conn.name, conn.kind, conn.host) == (stored.pk, "CRM", "api_connection", "crm.example.com")
    assert conn.settings == {"base_url": "https://crm.example.com", "auth_type": "bearer"}
    assert not hasattr(conn, "secrets") and not hasattr(conn, "__dict__")
    held = {name: getattr(conn, name) for name in type(conn).__slots__ if not name.startswith("_")}
    assert token not in repr(held) and token not in repr(conn)
    conn.settings["auth_type"] = "none"  # a node changing its copy changes nothing stored or held
    assert svc.connection(stored.pk, kinds=["api_connection"], node_id="n1").settings["auth_type"] == "bearer"
    assert CredentialEvent.objects.filter(credential=stored, action="used", node_id="n1").count() == 1


def test_the_kind_authenticates_the_connections_request_at_a_real_server(svc, server):
    token = "tok-door-0123456789abcdef"
    stored = credential(
        "CRM", "api_connection", {"base_url": server.url_for("/v1"), "auth_type": "bearer"}, {"token": token}
    )
    server.expect_request("/v1/me", headers={"Authorization": f"Bearer {token}"}).respond_with_json({"ok": True})

    response = svc.connection(stored.pk, kinds=["api_connection"]).request("GET", "/me", timeout_s=5)

    assert response.status == 200 and response.json() == {"ok": True}
    assert token not in repr(svc.http.exchanges)  # the step's record of it is redacted


def test_a_kind_that_does_not_do_something_says_so(svc):
    stored = credential("Hooks", "webhook_secret", {}, {"signing_secrets": "whsec_" + "QUJD" * 11})
    conn = svc.connection(stored.pk, kinds=["webhook_secret"])

    with pytest.raises(CredentialError, match="'Hooks' is not an API connection, so it cannot make requests"):
        conn.request("GET", "https://example.com/")
    with pytest.raises(CredentialError, match=r"'Hooks' \(Webhook secret\) has no client library to build"):
        conn.client()
    assert set(conn.sign(b"{}", msg_id="msg_1")) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
