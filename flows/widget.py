"""A flow's chat widget: its appearance with defaults, its avatar, and which websites may embed it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from . import assets
from .models import Conversation, Flow, FlowAsset, FlowWidget

AVATAR_ASSET = "widget-avatar"  # the flow asset holding the avatar (one per flow)
AVATAR_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}  # no SVG: it could carry script
AVATAR_MAX_BYTES = 512 * 1024

DEFAULTS: dict[str, Any] = {
    "title": "",  # blank: the flow's name
    "subtitle": "We usually answer right away",
    "accent": "#4f46e5",
    "position": "right",
    "launcher_icon": "chat",
    "greeting": "",
    "placeholder": "Type your message…",
    "theme": "light",
}
POSITIONS = ("left", "right")
ICONS = ("chat", "help", "sparkle", "wave")
THEMES = ("light", "dark", "auto")
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$")
DEFAULT_PORTS = {"http": 80, "https": 443}


class OriginError(ValueError):
    """Not an origin a browser sends (scheme://host[:port], nothing after it)."""


def normalize_origin(text: str) -> str:
    """`https://Shop.example.com/` -> `https://shop.example.com`; raises OriginError for anything but an origin."""
    raw = text.strip().rstrip("/")
    try:
        url = urlsplit(raw)
        port = url.port
    except ValueError as exc:
        raise OriginError(f"{text!r} is not a website address: {exc}.") from exc
    if url.scheme.lower() not in DEFAULT_PORTS or not url.hostname:
        raise OriginError(f"{text!r} is not a website origin: write it as https://shop.example.com.")
    if url.path or url.query or url.fragment or url.username or url.password:
        raise OriginError(f"{text!r} has more than an origin: keep only https://host[:port], no path.")
    host = url.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    wildcard = url.netloc.startswith("*.")
    if wildcard:
        host = "*." + host.removeprefix("*.")
    if not _HOST.match(host):
        raise OriginError(f"{text!r} does not name a valid host.")
    scheme = url.scheme.lower()
    return f"{scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[scheme] else "")


def _matches(origin: str, allowed: str) -> bool:
    if "://*." not in allowed:
        return origin == allowed
    scheme, _, rest = allowed.partition("://*.")
    return origin.startswith(scheme + "://") and origin.removeprefix(scheme + "://").endswith("." + rest)


def origin_allowed(allowed_origins: list[str], origin: str | None, host: str | None) -> bool:
    """Whether a browser page at `origin` may use the chat of a flow with these allowed origins.

    No Origin header (a server, curl) and the app's own pages (the hosted chat page, the builder's preview) always
    may. A flow without a list of its own follows CHAT_CORS_ORIGINS (empty there too: any origin).
    """
    if not origin:
        return True
    try:
        normalized = normalize_origin(origin)
    except OriginError:
        return False
    if host and urlsplit(normalized).netloc == host.lower():
        return True
    listed = allowed_origins or settings.CHAT_CORS_ORIGINS
    if not listed:
        return True
    return any(_matches(normalized, normalize_origin_or_blank(a)) for a in listed)


def normalize_origin_or_blank(text: str) -> str:
    try:
        return normalize_origin(text)
    except OriginError:
        return ""


def origins_of_flow(slug: str) -> list[str] | None:
    """The flow's allowed origins by slug; None when there is no such flow."""
    rows = list(Flow.objects.filter(slug=slug).values_list("widget__allowed_origins", flat=True)[:1])
    return list(rows[0] or []) if rows else None


def origins_of_conversation(conversation_id: Any) -> list[str] | None:
    """The allowed origins of the conversation's flow; None when there is no such conversation."""
    rows = list(
        Conversation.objects.filter(pk=conversation_id).values_list("flow__widget__allowed_origins", flat=True)[:1]
    )
    if not rows:
        return None
    return list(rows[0] or [])


def settings_of(flow: Flow) -> FlowWidget:
    """The flow's widget settings (unsaved defaults when it has none yet)."""
    found = FlowWidget.objects.filter(flow=flow).first()
    return found or FlowWidget(flow=flow, appearance={}, allowed_origins=[])


def appearance(flow: Flow, widget: FlowWidget | None = None) -> dict[str, Any]:
    """The appearance with defaults filled in."""
    widget = widget or settings_of(flow)
    shown = {**DEFAULTS, **{k: v for k, v in (widget.appearance or {}).items() if k in DEFAULTS}}
    shown["title"] = shown["title"] or flow.name
    return shown


def avatar(flow: Flow) -> FlowAsset | None:
    return FlowAsset.objects.filter(flow=flow, name=AVATAR_ASSET).first()


def save_settings(flow: Flow, *, appearance: dict[str, Any], allowed_origins: list[str]) -> FlowWidget:
    """Store the widget's appearance and origins (the published versions are not touched)."""
    with transaction.atomic():
        widget, _ = FlowWidget.objects.select_for_update().get_or_create(flow=flow)
        widget.appearance = {k: v for k, v in appearance.items() if k in DEFAULTS}
        widget.allowed_origins = allowed_origins
        widget.save()
    return widget


def save_avatar(flow: Flow, data: bytes, filename: str, content_type: str) -> FlowAsset:
    with transaction.atomic():
        asset = FlowAsset.objects.select_for_update().filter(flow=flow, name=AVATAR_ASSET).first()
        asset = asset or FlowAsset(flow=flow, name=AVATAR_ASSET)
        asset.filename = ""
        assets.fill(asset, data, filename, content_type)
        asset.name = AVATAR_ASSET
        asset.save()
    return asset


def delete_avatar(flow: Flow) -> None:
    with transaction.atomic():
        FlowAsset.objects.filter(flow=flow, name=AVATAR_ASSET).delete()


def image_type(data: bytes) -> str | None:
    """The image type from the file's first bytes (what the browser will sniff), not from its name."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
