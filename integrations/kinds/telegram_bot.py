"""Telegram bot: a bot token from @BotFather, which the Bot API takes in the URL path (/bot<token>/<method>).

The base URL is a setting (https://api.telegram.org) so a self-hosted Bot API server, or a test's, can stand in.
The connection check calls getMe, which changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .base import URL, CheckFailed, Field, Kind, Outgoing

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")


def method_url(settings: Mapping[str, Any], token: str, path: str) -> str:
    """The Bot API URL of a method: <base>/bot<token>/<method>."""
    base = str(settings.get("base_url") or "https://api.telegram.org").rstrip("/")
    return f"{base}/bot{token}/{path.lstrip('/')}"


class TelegramBot(Kind):
    key = "telegram_bot"
    label = "Telegram bot"
    description = "A Telegram bot's token (from @BotFather), for the Bot API."
    fields = (
        Field("base_url", "Bot API URL", "https://api.telegram.org, or your own Bot API server.", type=URL,
              default="https://api.telegram.org", required=True),
        Field("token", "Bot token", "As @BotFather gave it, such as 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11.",
              secret=True, required=True),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        token = str(secrets.get("token") or "")
        if token and not TOKEN.match(token):
            return {"token": "A bot token looks like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11."}
        return {}

    def summary(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("base_url") or "")

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        """The request's path is a Bot API method; the token goes into the URL when it is authenticated."""

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        out.url = method_url(resolved.settings, str(resolved.secrets.get("token") or ""), out.url)

    def host(self, resolved: Any) -> str:
        return urlsplit(method_url(resolved.settings, "", "")).hostname or ""

    def shown_url(self, resolved: Any, url: str) -> str:
        return method_url(resolved.settings, "<token>", url)

    def check(self, resolved, services) -> str:
        url = method_url(resolved.settings, str(resolved.secrets.get("token") or ""), "getMe")
        response = services.http.request("GET", url, timeout_s=10)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status == 401:
            raise CheckFailed("Telegram refused the bot token: HTTP 401 Unauthorized.")
        if not response.ok or not isinstance(body, dict) or not body.get("ok"):
            raise CheckFailed(f"getMe answered HTTP {response.status}.")
        username = (body.get("result") or {}).get("username") or "the bot"
        return f"Telegram knows the bot as @{username}."
