"""Webhook URL: an incoming-webhook URL that is itself the secret (Slack, Discord, Microsoft Teams).

Anyone holding such a URL can post to the channel, so the whole URL is stored encrypted and redacted from steps.
The connection check cannot post without leaving a message in the channel, so it checks the URL's shape and that
the SSRF guard lets its host through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from integrations.errors import OutboundError
from integrations.http.ssrf import Guard

from .base import URL, CheckFailed, Field, Kind, Outgoing


def url_problem(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter the full webhook URL, starting with https://."
    if not parts.path.strip("/"):
        return "A webhook URL has a path after the host (that path is its secret)."
    return None


class WebhookUrl(Kind):
    key = "webhook_url"
    label = "Webhook URL"
    description = "An incoming-webhook URL that is itself the secret, such as Slack's, Discord's or Teams'."
    fields = (
        Field("url", "Webhook URL", "The URL the service gave you, such as https://hooks.slack.com/services/….",
              secret=True, required=True, type=URL),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        url = str(secrets.get("url") or "")
        problem = url_problem(url) if url else None
        return {"url": problem} if problem else {}

    def redacted(self, resolved: Any) -> list[str]:
        path = urlsplit(str(resolved.secrets.get("url") or "")).path
        return [path] if len(path) > 8 else []  # the path is the secret: masked wherever it shows up alone

    def host(self, resolved: Any) -> str:
        return (urlsplit(str(resolved.secrets.get("url") or "")).hostname or "").lower()

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        """A request's URL is a path after the webhook URL (usually none): the URL itself is the credential."""

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        secret = str(resolved.secrets.get("url") or "")
        out.url = secret.rstrip("/") + out.url if out.url else secret

    def shown_url(self, resolved: Any, url: str) -> str:
        parts = urlsplit(str(resolved.secrets.get("url") or ""))
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"

    def check(self, resolved, services) -> str:
        url = str(resolved.secrets.get("url") or "")
        problem = url_problem(url)
        if problem:
            raise CheckFailed(problem)
        host = urlsplit(url).hostname or ""
        try:
            Guard(settings.SSRF_ALLOW).check(url)
        except OutboundError as exc:
            raise CheckFailed(f"{host} cannot be reached from flows: {exc}") from None
        return f"A well-formed webhook URL on {host}; nothing was posted (that would show in the channel)."
