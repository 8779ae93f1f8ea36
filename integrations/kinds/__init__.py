"""The credential kinds: one module per kind, listed once here (adding a kind = a module + a line in KINDS)."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from .base import CheckFailed, Field, Kind, Unverified

__all__ = ["KINDS", "CheckFailed", "Field", "Kind", "UnknownKind", "Unverified", "all", "choices", "get"]

KINDS = [
    "integrations.kinds.api_connection.ApiConnection",
    "integrations.kinds.webhook_secret.WebhookSecret",
    "integrations.kinds.webhook_url.WebhookUrl",
    "integrations.kinds.telegram_bot.TelegramBot",
    "integrations.kinds.intercom.Intercom",
    "integrations.kinds.openai.OpenAI",
    "integrations.kinds.twilio.Twilio",
    "integrations.kinds.smtp.Smtp",
    "integrations.kinds.caldav.CalDav",
    "integrations.kinds.microsoft_graph.MicrosoftGraph",
    "integrations.kinds.google_service_account.GoogleServiceAccount",
    "integrations.kinds.google_oauth.GoogleOauth",
]


class UnknownKind(KeyError):
    def __str__(self) -> str:
        return f"There is no credential kind {self.args[0]!r}; known kinds: {', '.join(_registry())}."


@cache
def _registry() -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    for path in KINDS:
        kind = import_string(path)()
        if kind.key in found:
            raise ValueError(f"Two credential kinds share the key {kind.key!r}")
        found[kind.key] = kind
    return found


def get(key: str) -> Kind:
    try:
        return _registry()[key]
    except KeyError:
        raise UnknownKind(key) from None


def all() -> list[Kind]:  # shadows the builtin in this module only: the name the shared interface gives it
    return list(_registry().values())


def choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in all()]


def label(key: str) -> str:
    """The kind's label, or its key when the kind is unknown (a record made by a newer version)."""
    kind = _registry().get(key)
    return kind.label if kind else key
