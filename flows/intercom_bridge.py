"""Handoffs routed to Intercom (the handoff node's `route_to: intercom`, decision 0044).

The node opened the Intercom conversation; from then on the customer's messages are stored as for the inbox and
forwarded, in order, as the contact's replies to it (a Celery task after commit), and Intercom's webhook notifications
come back here: an admin's reply reaches the customer on their channel (the first one also means a person now holds
it), and closing it takes the node's `closed` output. The notifications are verified by the Intercom credential's
kind (X-Hub-Signature with the app's client secret) through the same door as every incoming hook.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils.html import strip_tags

from integrations import credentials
from integrations.errors import CredentialError
from integrations.kinds import Unverified
from integrations.services import Services
from nodes.base import NodeError
from nodes.integrations.intercom import KINDS, IntercomApi

from . import handoff
from .actions import ActionError
from .hooks import InvalidSignature, parse_payload
from .models import Conversation, Handoff, Message

log = logging.getLogger(__name__)

REPLIED, CLOSED, PING = "conversation.admin.replied", "conversation.admin.closed", "ping"
FORWARDING, FORWARDED, NOT_FORWARDED = "forwarding", "forwarded", "not_forwarded"
_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>|</li>", re.IGNORECASE)


class Misconfigured(ActionError):
    """The credential cannot verify (no client secret, cannot be decrypted): 503, so Intercom retries once fixed."""

    code = "credential_not_configured"
    status = 503


@dataclass(frozen=True)
class Receipt:
    outcome: str  # replied, closed, ignored, ping
    conversation_id: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "conversation_id": self.conversation_id, "detail": self.detail}


def opened(conversation: Conversation) -> dict[str, Any]:
    """What the node stored when it opened the Intercom conversation: credential, contact_id, conversation_id."""
    return conversation.handoff_remote if isinstance(conversation.handoff_remote, dict) else {}


# The customer's messages, out to Intercom.


def forward_later(conversation_id: Any) -> None:
    """Inside the transaction that stored a customer message: forward it once that is committed."""
    transaction.on_commit(lambda: forward_messages.delay(str(conversation_id)))


# Intercom briefly down or refusing: try again after 10 s, 40 s, 2.7 min, 10.7 min, then give up (about 14 minutes).
FORWARD_ATTEMPTS = 5


def retry_in_s(attempt: int) -> int:
    return 10 * 4 ** (attempt - 1)


def _again(conversation_id: str, attempt: int, wait_s: int) -> None:
    transaction.on_commit(lambda: forward_messages.apply_async((conversation_id, attempt), countdown=wait_s))


@shared_task(acks_late=True)
def forward_messages(conversation_id: str, attempt: int = 1) -> int:
    """Forward the customer's stored messages of this handoff, oldest first, each once; how many were forwarded.

    Each message is claimed (delivery_status "" -> forwarding) before it is sent, so a redelivered or concurrent task
    sends nothing twice. One that fails is given back and the rest wait behind it (the agent reads them in order)
    while a later task tries again; after FORWARD_ATTEMPTS they are marked not_forwarded and logged (the errors name
    no secret).
    """
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or conversation.handoff_route != handoff.INTERCOM or not conversation.handoff_remote_id:
        return 0
    about = opened(conversation)
    pending = Message.objects.filter(
        conversation=conversation,
        direction=Message.Direction.IN,
        delivery_status="",
        payload__for_agent=True,
        created_at__gte=conversation.handoff_requested_at,
    ).order_by("id")
    if not pending.exists():
        return 0
    svc = Services(flow_id=str(conversation.flow_id))
    sent = 0
    try:
        try:
            api = IntercomApi(svc, svc.connection(int(about.get("credential") or 0), kinds=KINDS))
        except CredentialError as exc:
            log.warning("conversation %s: cannot forward to Intercom: %s", conversation_id, svc.redact(str(exc)))
            pending.update(delivery_status=NOT_FORWARDED)
            return 0
        for message in pending:
            if not Message.objects.filter(pk=message.pk, delivery_status="").update(delivery_status=FORWARDING):
                continue
            try:
                api.reply_as_contact(conversation.handoff_remote_id, str(about.get("contact_id") or ""), message.text)
            except NodeError as exc:
                error = svc.redact(str(exc))
                if attempt >= FORWARD_ATTEMPTS:
                    log.warning("message %s not forwarded to Intercom in %s attempts: %s", message.pk, attempt, error)
                    pending.update(delivery_status=NOT_FORWARDED)
                    Message.objects.filter(pk=message.pk).update(delivery_status=NOT_FORWARDED)
                    break
                wait_s = retry_in_s(attempt)
                log.warning("message %s not forwarded to Intercom (again in %s s): %s", message.pk, wait_s, error)
                Message.objects.filter(pk=message.pk).update(delivery_status="")
                _again(str(conversation_id), attempt + 1, wait_s)
                break
            Message.objects.filter(pk=message.pk).update(delivery_status=FORWARDED)
            sent += 1
    finally:
        svc.close()
    return sent


# Intercom's webhook notifications, in.


def receive(credential_id: int, headers: Mapping[str, str], body: bytes) -> Receipt:
    """Verify a notification with the Intercom credential, then act on it (an admin replied or closed)."""
    try:
        credentials.verify_inbound(
            credential_id, headers, body, kinds_allowed=KINDS, user="the Intercom webhook", flow_id=""
        )
    except CredentialError as exc:
        log.error("intercom webhook for credential %s: %s", credential_id, exc)
        raise Misconfigured(f"The Intercom credential cannot verify notifications: {exc}") from None
    except Unverified as exc:
        if exc.reason == "misconfigured":
            raise Misconfigured(str(exc)) from None
        raise InvalidSignature(str(exc)) from None
    payload = parse_payload(body)
    topic = payload.get("topic") if isinstance(payload, dict) else None
    if topic == PING:
        return Receipt(PING, detail="Intercom's test notification: the webhook works.")
    item = ((payload.get("data") or {}).get("item") or {}) if isinstance(payload, dict) else {}
    remote_id = str(item.get("id") or "") if isinstance(item, dict) else ""
    if topic not in (REPLIED, CLOSED) or not remote_id:
        return Receipt("ignored", detail=f"Nothing to do for the topic {topic!r}.")
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .filter(
                handoff_route=handoff.INTERCOM,
                handoff_remote_id=remote_id[:100],
                handoff_status__in=handoff.HELD,
                status=Conversation.Status.ACTIVE,
            )
            .order_by("-handoff_requested_at")
            .first()
        )
        if conversation is None or str(opened(conversation).get("credential")) != str(credential_id):
            return Receipt("ignored", detail=f"No conversation here is handed to Intercom conversation {remote_id}.")
        parts = _admin_parts(item)
        if topic == CLOSED:
            if not conversation.handoff_agent_name:
                conversation.handoff_agent_name = next((name for _id, name, _t, _k in parts if name), "Intercom")[:100]
                conversation.save(update_fields=["handoff_agent_name"])
            handoff.resume(conversation, "closed")
            return Receipt("closed", str(conversation.pk), "The flow goes on at 'Closed by the agent'.")
        said = 0
        for part_id, name, text, kind in parts:
            if kind != "comment" or not text:
                continue
            if Message.objects.filter(conversation=conversation, payload__intercom_part=part_id).exists():
                continue  # Intercom retries a notification it got no 200 for
            shown = (name or "Support")[:100]
            if conversation.handoff_status == Handoff.WAITING:
                handoff.take(conversation, shown)  # the first admin reply: a person holds it, the deadline is off
            handoff.say(conversation, text, shown, intercom_part=part_id)
            said += 1
        return Receipt("replied", str(conversation.pk), f"{said} reply(ies) sent to the customer.")


def _admin_parts(item: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(part id, admin's name, the text, part_type) of the admins' parts the notification carries."""
    holder = item.get("conversation_parts") or {}
    parts = holder.get("conversation_parts") if isinstance(holder, dict) else holder
    found = []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict):
            continue
        author = part.get("author")
        if not isinstance(author, dict):
            continue
        if author.get("type") != "admin":
            continue
        text = plain_text(str(part.get("body") or ""))
        found.append((str(part.get("id") or ""), str(author.get("name") or ""), text, str(part.get("part_type"))))
    return found


def plain_text(body: str) -> str:
    """Intercom's HTML body as the text the customer sees (paragraphs and line breaks kept)."""
    text = html.unescape(strip_tags(_BREAKS.sub("\n", body)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
