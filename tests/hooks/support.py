"""Graphs, credentials, hooks and signed requests for the incoming-hook tests."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any

from flows.models import Flow, Hook
from integrations import vault
from integrations.models import Credential
from integrations.webhooks import signing
from tests.factories import published_flow

_names = itertools.count(1)


def node(node_id: str, type_: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0}, "data": data}


def chain(*nodes: dict[str, Any]) -> dict[str, Any]:
    """A graph whose nodes follow one another through their `next` handles."""
    edges = [
        {"id": f"e{i}", "source": a["id"], "sourceHandle": "next", "target": b["id"]}
        for i, (a, b) in enumerate(itertools.pairwise(nodes), start=1)
    ]
    return {"nodes": list(nodes), "edges": edges}


ORDER_GRAPH = chain(
    node("start", "start"),
    node("say", "message", text="New order {{ order.id }} from {{ order.customer.name }}: {{ order.total }} EUR."),
    node("ask", "question", text="Shall we ship it, {{ order.customer.name }}?", variable="ship"),
)

PAYMENT_GRAPH = chain(
    node("start", "start"),
    node("ask", "question", text="Your order number?", variable="order_no"),
    node("pay", "message", text="Please pay order {{ order_no }}; I'll tell you when the money is in."),
    node("wait", "wait_webhook", hook="paid", save_as="payment"),
    node("thanks", "message", text="Received {{ payment.amount }} {{ payment.currency }} for {{ order_no }}, thanks!"),
    node("more", "question", text="Anything else?", variable="more"),
)


def webhook_credential(*, signing_secrets: list[str] | None = None, token: str = "") -> Credential:
    secrets = {"signing_secrets": "\n".join(signing_secrets or []), "token": token}
    return Credential.objects.create(
        name=f"hook secret {next(_names)} {uuid.uuid4().hex[:6]}",
        kind="webhook_secret",
        secrets_encrypted=vault.encrypt(secrets),
    )


def make_hook(flow: Flow, credential: Credential, **fields: Any) -> Hook:
    fields.setdefault("key", "orders")
    return Hook.objects.create(flow=flow, credential=credential, **fields)


def order_flow(slug: str = "shop") -> Flow:
    return published_flow(ORDER_GRAPH, slug=slug)


def payment_flow(slug: str = "pay") -> Flow:
    return published_flow(PAYMENT_GRAPH, slug=slug)


def body_of(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def signed(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    return signing.sign_headers(
        secret, body, msg_id=msg_id or signing.new_id(), timestamp=timestamp or int(time.time())
    )


def hook_path(flow: Flow, key: str) -> str:
    return f"/api/v1/hooks/{flow.slug}/{key}/"
