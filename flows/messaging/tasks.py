"""Celery: a turn's replies out through its conversation's messaging channel, after the turn was stored."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import transaction

from flows.models import Channel, Message, OptOut

from .twilio import outbound

log = logging.getLogger(__name__)
SUPPRESSED = "suppressed"  # not sent: the number opted out of the channel


def queue_replies(conversation: Any, message_ids: list[int]) -> None:
    """On commit of a turn: its messages go out through the conversation's channel, if it has one.

    Sent right there, by the worker that ran the turn while it still holds the conversation's lease: the replies of
    one conversation leave in the order of its turns (a task per turn could overtake the one before on another
    worker). A send that fails is kept on the message (status failed, the error code); it never fails the turn.
    """
    if getattr(conversation, "messaging_channel_id", None) and message_ids:
        transaction.on_commit(lambda: _send_safely(message_ids))


def _send_safely(message_ids: list[int]) -> None:
    try:
        send_messages(message_ids)
    except Exception:  # noqa: BLE001 - the turn is stored already; the messages keep the status they reached
        log.exception("could not send messages %s", message_ids)


@shared_task(acks_late=True)
def send_messages(message_ids: list[int]) -> None:
    """Send each message once, in order; a redelivered task finds them claimed and sends nothing twice."""
    for message in Message.objects.filter(pk__in=message_ids).select_related(
        "conversation__messaging_channel__flow"
    ).order_by("id"):  # fmt: skip
        if not Message.objects.filter(pk=message.pk, delivery_status="").update(delivery_status="sending"):
            continue
        conversation = message.conversation
        channel = conversation.messaging_channel
        to = conversation.external_user_id
        if channel is None or OptOut.objects.filter(channel=channel, address=to).exists():
            Message.objects.filter(pk=message.pk).update(delivery_status=SUPPRESSED)
            continue
        sent = outbound.send(channel, to, outbound.render(message.text, message.choices))
        if sent.error:
            log.warning("channel %s: message %s not sent: %s", channel.pk, message.pk, sent.error)
        Message.objects.filter(pk=message.pk).update(
            delivery_status=sent.status, provider_sid=sent.sid, error_code=sent.error_code[:20]
        )


@shared_task(acks_late=True)
def send_text(channel_id: str, to: str, text: str) -> str:
    """One text outside a conversation (HELP's answer, the builder's test message); Twilio's status or error."""
    channel = Channel.objects.select_related("flow").filter(pk=channel_id).first()
    if channel is None or OptOut.objects.filter(channel=channel, address=to).exists():
        return SUPPRESSED
    sent = outbound.send(channel, to, text)
    return sent.error or sent.status
