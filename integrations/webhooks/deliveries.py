"""Outbound webhook deliveries (Zapier, Make, Pabbly): platform host rules, the bytes and headers sent, the delivery
log, and redelivery from admin with the same webhook id."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

PLATFORMS = {"zapier": "Zapier", "make": "Make", "pabbly": "Pabbly Connect"}
EXCERPT_CHARS = 1000
ERROR_CHARS = 2000
_HOSTS: dict[str, re.Pattern[str]] = {
    "zapier": re.compile(r"^hooks\.zapier\.com$"),
    # hook.eu1.make.com, hook.us2.make.com, hook.eu1.make.celonis.com, and Integromat's older hook.integromat.com
    "make": re.compile(r"^hook\.(?:[a-z0-9-]+\.)*(?:make\.com|make\.celonis\.com|integromat\.com)$"),
    "pabbly": re.compile(r"^(?:[a-z0-9-]+\.)*pabbly\.com$"),
}
_EXAMPLES = {
    "zapier": "https://hooks.zapier.com/hooks/catch/…",
    "make": "https://hook.eu1.make.com/…",
    "pabbly": "https://connect.pabbly.com/workflow/sendwebhookdata/…",
}
FIELDS = frozenset(
    {
        "webhook_id",
        "platform",
        "url",
        "payload",
        "body",
        "credential_id",
        "status",
        "response_status",
        "attempts",
        "latency_ms",
        "response_excerpt",
        "error",
        "run_id",
        "flow_id",
        "node_id",
        "redelivery_of_id",
    }
)


def _extra_host(host: str) -> bool:
    """settings.WEBHOOK_HOSTS_EXTRA: exact host names or IPs, or "*.example.com" for any host under it."""
    for entry in settings.WEBHOOK_HOSTS_EXTRA:
        pattern = str(entry).strip().lower().strip("[]")
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
        if host == pattern:
            return True
    return False


def host_problem(platform: str, url: str) -> str | None:
    """Why `url` is not one of the platform's webhook URLs (a clear sentence), or None when it is."""
    label = PLATFORMS.get(platform, platform)
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        return f"Give the full webhook URL from {label}, like {_EXAMPLES.get(platform, 'https://…')}."
    if _extra_host(host):
        return None
    pattern = _HOSTS.get(platform)
    own = bool(pattern and pattern.match(host))
    if own and platform == "pabbly" and host != "connect.pabbly.com" and "webhook" not in parts.path.lower():
        own = False  # other pabbly.com hosts serve pages too; only their webhook paths take deliveries
    if not own:
        return (
            f"{label} webhook URLs look like {_EXAMPLES.get(platform, 'https://…')}; this one points to {host}. "
            f"Other hosts can be allowed with the WEBHOOK_HOSTS_EXTRA setting."
        )
    if parts.scheme != "https":
        return f"{label} webhook URLs use https://, not http://."
    return None


def body_bytes(payload: Any) -> bytes:
    """The bytes sent and signed: compact UTF-8 JSON, so redelivering the stored payload sends the same bytes."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def delivery_headers(webhook_id: str, body: bytes, signed: dict[str, str] | None = None) -> dict[str, str]:
    """JSON type and Standard Webhooks headers (`signed`: a webhook secret's); the id and timestamp even unsigned."""
    headers = {"Content-Type": "application/json"}
    if signed:
        headers.update(signed)
    else:
        headers.update({"webhook-id": webhook_id, "webhook-timestamp": str(int(time.time()))})
    return headers


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def record(**fields: Any) -> int:
    """Store one delivery (fields already redacted by the caller) and return its id."""
    from integrations.models import Credential, OutboundDelivery

    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"record() got unknown fields: {', '.join(sorted(unknown))}")
    fields.setdefault("body", body_bytes(fields.get("payload")).decode("utf-8"))
    fields["response_excerpt"] = excerpt(str(fields.get("response_excerpt") or ""))
    fields["error"] = str(fields.get("error") or "")[:ERROR_CHARS]
    fields["flow_id"] = str(fields.get("flow_id") or "")
    fields["node_id"] = str(fields.get("node_id") or "")
    with transaction.atomic():
        if fields.get("credential_id") and not Credential.objects.filter(pk=fields["credential_id"]).exists():
            fields["credential_id"] = None  # deleted meanwhile: the row is still worth keeping
        return int(OutboundDelivery.objects.create(**fields).pk)
