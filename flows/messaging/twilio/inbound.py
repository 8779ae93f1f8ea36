"""Twilio's form posts to a channel: verified, then a text starts or continues a conversation (once per MessageSid).

Every write happens in one transaction that first locks the channel's row: deliveries to one channel are stored one
at a time in arrival order, and the unique (channel, MessageSid) row makes a retried delivery do nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from flows import actions
from flows.actions import ActionError
from flows.messaging.keywords import keyword
from flows.models import Channel, ChannelInbound, Conversation, Message, OptOut
from integrations import credentials
from integrations.errors import CredentialError
from integrations.kinds import Unverified

from . import CREDENTIAL_KIND

log = logging.getLogger(__name__)
STATUSES = frozenset({"accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed",
                      "read", "canceled"})  # fmt: skip


class Forbidden(ActionError):
    code = "invalid_signature"
    status = 403


class Misconfigured(ActionError):
    code = "channel_not_configured"
    status = 503


@dataclass(frozen=True)
class Outcome:
    what: str  # started, continued, duplicate, opted_out, opted_in, help, ignored, status
    conversation_id: str | None = None


def address(channel: Channel, raw: str) -> str:
    """The sender as the conversation's external_user_id: the number, without WhatsApp's `whatsapp:` prefix."""
    return raw.strip().removeprefix("whatsapp:")


def verify(channel: Channel, url: str, headers: Mapping[str, str], form: Mapping[str, str]) -> str:
    """The MessageSid of an authentic post; Forbidden (403) when the signature is missing or wrong."""
    try:
        return credentials.verify_inbound(
            channel.credential,
            headers,
            b"",
            kinds_allowed=[CREDENTIAL_KIND],
            user=f"the channel {channel.sender}",
            flow_id=str(channel.flow_id),
            url=url,
            params=dict(form),
        )
    except CredentialError as exc:
        log.error("channel %s: %s", channel.pk, exc)
        raise Misconfigured(f"The channel's credential cannot be used: {exc}") from None
    except Unverified as exc:
        if exc.reason == "misconfigured":
            raise Misconfigured(str(exc)) from None
        raise Forbidden(str(exc)) from None


def receive(channel: Channel, url: str, headers: Mapping[str, str], form: Mapping[str, str]) -> Outcome:
    """Verify the post, then act on it: a status callback, a keyword, or a text for the flow."""
    message_sid = verify(channel, url, headers, form)
    if form.get("MessageStatus") and not form.get("Body") and form.get("MessageStatus") != "received":
        return update_status(channel, form)
    if not message_sid:
        raise ActionError("The post carries no MessageSid; Twilio sends one with every message.")
    try:
        with transaction.atomic():
            Channel.objects.select_for_update().filter(pk=channel.pk).first()  # one delivery at a time, in order
            ChannelInbound.objects.create(channel=channel, message_sid=message_sid[:64])
            return _act(channel, message_sid, form)
    except IntegrityError:
        return Outcome("duplicate")


def _act(channel: Channel, message_sid: str, form: Mapping[str, str]) -> Outcome:
    sender = address(channel, str(form.get("From") or ""))
    text = str(form.get("Body") or "")
    said = keyword(text)
    opted_out = OptOut.objects.filter(channel=channel, address=sender)
    if said == "stop":
        OptOut.objects.get_or_create(channel=channel, address=sender)
        return Outcome("opted_out")
    if said == "start":
        opted_out.delete()
        return Outcome("opted_in")
    if opted_out.exists():
        return Outcome("ignored")  # Twilio blocks an opted-out number; should one still arrive, nothing answers it
    if said == "help":
        from flows.messaging.tasks import send_text

        reply = channel.help_text or f"{channel.flow.name}: reply STOP to stop these messages, START to resume."
        transaction.on_commit(lambda: send_text.delay(str(channel.pk), sender, reply))
        return Outcome("help")
    media = media_of(form)
    conversation = (
        Conversation.objects.select_for_update()
        .filter(flow_id=channel.flow_id, messaging_channel=channel, external_user_id=sender,
                status=Conversation.Status.ACTIVE)
        .order_by("-created_at")
        .first()
    )  # fmt: skip
    if conversation is None:
        sms = {"from": sender, "to": str(form.get("To") or ""), "body": text, "media": media}
        conversation, _token, run = actions.start_conversation(
            channel.flow, channel=channel.kind, external_user_id=sender, variables={"sms": sms, "media": media}
        )
        Conversation.objects.filter(pk=conversation.pk).update(messaging_channel=channel)
        # The text that started it is part of the transcript, though the first turn answers the start.
        Message.objects.create(
            conversation=conversation, direction=Message.Direction.IN, text=text, client_message_id=message_sid[:100],
            payload={"media": media} if media else None,
        )  # fmt: skip
        return Outcome("started", str(conversation.pk))
    run, _created = actions.post_message(conversation, text, message_sid[:100])
    if media and run.inbound_id is not None:
        Message.objects.filter(pk=run.inbound_id).update(payload={"media": media})
    return Outcome("continued", str(conversation.pk))


def media_of(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The MMS or WhatsApp attachments: [{"url", "content_type"}], as NumMedia and MediaUrlN name them."""
    try:
        count = min(int(form.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    found = []
    for n in range(count):
        if url := str(form.get(f"MediaUrl{n}") or ""):
            found.append({"url": url, "content_type": str(form.get(f"MediaContentType{n}") or "")})
    return found


def update_status(channel: Channel, form: Mapping[str, str]) -> Outcome:
    """A StatusCallback: the outbound message with this MessageSid gets the status and error code reported."""
    status = str(form.get("MessageStatus") or "").lower()
    sid = str(form.get("MessageSid") or form.get("SmsSid") or "")
    if status not in STATUSES or not sid:
        raise ActionError(f"Unknown MessageStatus {status!r}; expected one of {', '.join(sorted(STATUSES))}.")
    with transaction.atomic():
        Message.objects.filter(
            conversation__messaging_channel=channel, direction=Message.Direction.OUT, provider_sid=sid
        ).update(delivery_status=status, error_code=str(form.get("ErrorCode") or "")[:20])
    return Outcome("status")
