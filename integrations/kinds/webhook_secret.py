"""Webhook secret: Standard Webhooks signing secrets (first signs, all verify, for rotation) and/or a shared token."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from .base import TEXT, CheckFailed, Field, Kind

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
