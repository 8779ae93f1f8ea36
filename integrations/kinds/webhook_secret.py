"""Webhook secret: Standard Webhooks signing secrets (first signs, all verify, for rotation) and/or a shared token.

The one reader of these secrets: outbound deliveries are signed by `sign`, inbound ones checked by `verify`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Mapping
from typing import Any

from integrations.errors import CredentialError
from integrations.webhooks import signing

from .base import TEXT, CheckFailed, Field, Kind, Unverified

PREFIX = "whsec_"
MIN_LENGTH = 16


def signing_secrets(value: Any) -> list[str]:
    """The secrets, one per line, in order: the first signs, every one verifies."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def secret_problem(secret: str) -> str | None:
    if secret.startswith(PREFIX):
        try:
            key = base64.b64decode(secret[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            return "is not valid base64 after whsec_"
        return None if key else "has no key after whsec_"
    if len(secret) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters (use a whsec_ secret or a longer one)"
    return None


class WebhookSecret(Kind):
    key = "webhook_secret"
    label = "Webhook secret"
    description = "Signs outbound webhooks and verifies inbound ones (Standard Webhooks), or a shared token."
    fields = (
        Field("signing_secrets", "Signing secrets", "One per line. The first signs outbound deliveries; every one "
              "verifies inbound ones, so add the new secret on top, then remove the old one later.",
              secret=True, type=TEXT),
        Field("token", "Token", "A shared secret token, for callers that cannot sign (sent as a header or query).",
              secret=True),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        problems: dict[str, str] = {}
        found = signing_secrets(secrets.get("signing_secrets"))
        for number, secret in enumerate(found, start=1):
            problem = secret_problem(secret)
            if problem:
                problems["signing_secrets"] = f"Secret {number} {problem}."
                break
        token = str(secrets.get("token") or "")
        if token and len(token) < MIN_LENGTH:
            problems["token"] = f"The token is shorter than {MIN_LENGTH} characters."
        if not found and not token:
            problems["signing_secrets"] = "Give at least one signing secret or a token."
        return problems

    def check(self, resolved, services) -> str:
        problems = self.clean(resolved.settings, resolved.secrets)
        if problems:
            raise CheckFailed(" ".join(problems.values()))
        count = len(signing_secrets(resolved.secrets.get("signing_secrets")))
        parts = []
        if count:
            parts.append(f"{count} signing secret{'s' if count != 1 else ''}")
        if resolved.secrets.get("token"):
            parts.append("a token")
        return f"{' and '.join(parts).capitalize()}, well-formed."

    def sign(self, resolved: Any, body: bytes, *, msg_id: str) -> dict[str, str]:
        found = signing_secrets(resolved.secrets.get("signing_secrets"))
        if not found:
            raise CredentialError(f"The webhook secret {resolved.name!r} has no signing secret to sign with.")
        return signing.sign_headers(found[0], body, msg_id=msg_id)

    def verify(self, resolved: Any, headers: Mapping[str, str], body: bytes, **options: Any) -> str:
        """options: mode ("signature" or "token"), tolerance_s. The signed id, or "" for a token (which has none)."""
        lower = {k.lower(): v for k, v in headers.items()}
        if options.get("mode") == "token":
            _verify_token(str(resolved.secrets.get("token") or ""), lower)
            return ""
        return _verify_signature(_usable(resolved.secrets), headers, body, lower, int(options["tolerance_s"]))


def _usable(secrets: Mapping[str, Any]) -> list[str]:
    """The signing secrets that can verify (during a rotation the old and the new both do)."""
    usable = []
    for secret in signing_secrets(secrets.get("signing_secrets")):
        try:
            signing.signature(secret, "probe", 0, b"")
        except signing.SignatureError:
            continue  # a malformed whsec_ line must not stop the others from verifying
        usable.append(secret)
    return usable


def _verify_signature(
    candidates: list[str], headers: Mapping[str, str], body: bytes, lower: dict[str, str], tolerance: int
) -> str:
    if not candidates:
        raise Unverified("misconfigured", "The hook's credential has no signing secret; an admin must add one.")
    stamp = lower.get("webhook-timestamp", "")
    if stamp:
        # Checked here too (signing.verify does as well) so a stale delivery gets its own answer saying so.
        try:
            timestamp = int(stamp)
        except ValueError:
            raise Unverified(
                "invalid_timestamp", "The webhook-timestamp header must be whole seconds since 1970 (UTC)."
            ) from None
        skew = time.time() - timestamp
        if abs(skew) > tolerance:
            when = f"{int(skew)} s in the past" if skew > 0 else f"{int(-skew)} s in the future"
            raise Unverified(
                "stale",
                f"The webhook-timestamp is {when}; deliveries more than {tolerance} s from now are refused "
                "(a replay, or the sender's clock is wrong).",
            )
    try:
        return signing.verify(candidates, headers, body, tolerance_s=tolerance)
    except signing.SignatureError as exc:
        raise Unverified("invalid_signature", f"The delivery is not signed with this hook's secret: {exc}.") from None


def _verify_token(expected: str, lower: dict[str, str]) -> None:
    if not expected:
        raise Unverified("misconfigured", "The hook's credential has no token; an admin must set one.")
    scheme, _, bearer = lower.get("authorization", "").partition(" ")
    offered = bearer.strip() if scheme.lower() == "bearer" else ""
    offered = offered or lower.get("x-hook-token", "").strip()
    if not offered:
        raise Unverified(
            "invalid_token", "Send the hook's token as 'Authorization: Bearer <token>' or in an 'X-Hook-Token' header."
        )
    if not hmac.compare_digest(offered.encode(), expected.encode()):
        raise Unverified("invalid_token", "The token does not match this hook's token.")
