"""The bot's messages out through Twilio's Messages API, with the twilio client the credential's kind builds."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from flows.models import Channel
from integrations.errors import CredentialError, OutboundError
from integrations.services import Services

from . import CREDENTIAL_KIND

log = logging.getLogger(__name__)
SEND_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Sent:
    """What became of one message: Twilio's status and the first part's sid, or the error code and sentence."""

    status: str
    sid: str = ""
    error_code: str = ""
    error: str = ""


def render(text: str, choices: list[dict[str, Any]] | None) -> str:
    """A message as a text: a choice question's options as a numbered list (answered by number or label)."""
    if not choices:
        return text
    lines = [f"{n}. {choice.get('label', '')}" for n, choice in enumerate(choices, start=1)]
    return (text.rstrip() + "\n\n" if text.strip() else "") + "\n".join(lines) + "\n\nReply with a number."


def split(text: str, limit: int) -> list[str]:
    """The text in parts of at most `limit` characters, cut at a paragraph, line, sentence or word where it can."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for mark in ("\n\n", "\n", ". ", "! ", "? ", " "):
            at = window.rfind(mark)
            if at >= limit // 2:
                cut = at + len(mark.rstrip()) if mark.strip() else at
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def recipient(channel: Channel, number: str) -> str:
    return f"whatsapp:{number}" if channel.kind == Channel.Kind.TWILIO_WHATSAPP else number


def status_callback(channel: Channel) -> str | None:
    """The channel's webhook URL (status callbacks come to it too), when the server knows its public address."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("channel-twilio", kwargs={"channel_id": channel.pk}) if base else None


def send(channel: Channel, to: str, text: str, *, services: Services | None = None) -> Sent:
    """Send one text (split into parts when long) from the channel's sender to `to` (a number)."""
    own = services is None
    services = services or Services(flow_id=str(channel.flow_id))
    try:
        return send_with(services, channel.credential_id, channel.sender, recipient(channel, to), text,
                         status_callback=status_callback(channel))  # fmt: skip
    finally:
        if own:
            services.close()


def send_with(
    services: Services, credential_id: int, sender: str, to: str, text: str, *, status_callback: str | None = None
) -> Sent:
    """Send through a Twilio credential and sender (a number, whatsapp:+..., or MG... Messaging Service SID)."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    try:
        cred = services.credential(credential_id, kinds=[CREDENTIAL_KIND])
        client = services.client_for(cred, timeout_s=SEND_TIMEOUT_S)
    except CredentialError as exc:
        return Sent("failed", error=str(exc))
    origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
    first: Any = None
    try:
        for part in split(text, settings.SMS_MAX_BODY_CHARS) or [""]:
            created = client.messages.create(to=to, body=part, status_callback=status_callback, **origin)
            first = first or created
    except TwilioRestException as exc:
        message = " ".join(str(exc.msg or "").split())[:300]
        return Sent("failed", error_code=str(exc.code or exc.status), error=services.redact(message))
    except (OutboundError, TwilioException) as exc:
        return Sent("failed", error=services.redact(str(exc))[:300])
    return Sent(str(first.status or "queued"), sid=str(first.sid or ""))
