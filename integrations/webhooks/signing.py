"""Standard Webhooks (standardwebhooks.com): sign outbound deliveries, verify inbound ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping

PREFIX = "whsec_"


class SignatureError(Exception):
    """The delivery is not authentic or not fresh; the message says which, never the secret."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _key(secret: str) -> bytes:
    """A `whsec_` secret is base64 of the key bytes; any other string is used as it is (UTF-8)."""
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX) :], validate=True)
        except ValueError:
            raise SignatureError("the signing secret is not valid base64 after whsec_") from None
    return secret.encode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def sign_headers(
    secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers; reuse `msg_id` across retries so receivers can drop duplicates."""
    msg_id = msg_id or new_id()
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def verify(
    secrets_: Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: int = 300,
    now: float | None = None,
) -> str:
    """Check the signature against any of the (rotated) secrets and the timestamp's freshness; returns the id."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "")
    sent = lower.get("webhook-signature", "")
    if not (msg_id and stamp and sent):
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("webhook-timestamp is not a whole number of seconds") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError(f"webhook-timestamp is more than {tolerance_s} s from now")
    offered = [part for part in sent.split() if part.startswith("v1,")]
    for secret in secrets_:
        expected = signature(secret, msg_id, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return msg_id
    raise SignatureError("no webhook-signature matches the body")
