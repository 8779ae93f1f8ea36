"""Conversations handed to a person: the inbox's writes (claim, reply, note, release, close) and what a turn changes.

While a conversation waits for an agent or an agent holds it, the customer's messages are stored and shown to the
agent, never run (actions.post_message asks `holds_messages`). A release or close resumes the handoff node with a
hook-like delivery under the key "handoff", so it queues a turn like any other and keeps the turn order.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import live
from .actions import ActionError, _send_turn, message_json
from .messaging import tasks as messaging
from .models import Conversation, Handoff, HandoffNote, Message, Run, Timer

log = logging.getLogger(__name__)

INBOX_GROUP = "inbox"
HANDOFF_KEY = "handoff"  # the delivery key the handoff node takes (nodes/core/handoff.py has the same)
HELD = (Handoff.WAITING, Handoff.AGENT)
INBOX, INTERCOM = "inbox", "intercom"  # the node's route_to values that change what happens here (email: as inbox)
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class NotHandedOff(ActionError):
    code = "not_handed_off"
    status = 409


class AlreadyClaimed(ActionError):
    code = "already_claimed"
    status = 409


class NotYours(ActionError):
    code = "not_claimed_by_you"
    status = 409


def holds_messages(conversation: Conversation) -> bool:
    """Whether a customer message is for a person (stored, shown to the agent) rather than for the flow."""
    return conversation.handoff_status in HELD


AGENTS_ONLY = ("reason", "team", "priority", "route")


def waits_for_handoff(awaiting: Any) -> bool:
    return isinstance(awaiting, dict) and awaiting.get("type") == "handoff"


def stale_reason(conversation: Conversation, run: Run) -> str | None:
    """A no-agent deadline that fired just before an agent claimed the conversation must not take it from them."""
    timer = run.timer
    if timer is not None and timer.kind == Timer.Kind.WAKE and conversation.handoff_status == Handoff.AGENT:
        return "an agent holds the conversation: its no-agent deadline no longer counts"
    return None


# What a turn does (inside execute_run's transaction).


def after_turn(conversation: Conversation, awaiting: Any, now: Any) -> dict[str, Any]:
    """Fields to store with the turn: a handoff node just asked for a person, or the flow left the handoff."""
    if waits_for_handoff(awaiting):
        # What is for the agents (the reason, team, priority, route, Intercom's ids) goes off the awaiting input, which
        # the customer's client is shown, onto columns of their own: the customer sees only that a person is asked for.
        opened = awaiting.pop("intercom", None)
        opened = opened if isinstance(opened, dict) else {}
        asked = {key: awaiting.pop(key, "") for key in AGENTS_ONLY}
        if conversation.handoff_status in HELD and conversation.handoff_node == awaiting.get("node_id"):
            return {}
        route = str(asked["route"] or INBOX)
        fields = {
            "handoff_status": Handoff.WAITING,
            "handoff_node": awaiting.get("node_id", ""),
            "handoff_reason": str(asked["reason"])[:500],
            "handoff_team": str(asked["team"])[:100],
            "handoff_priority": str(asked["priority"])[:10],
            "handoff_requested_at": now,
            "handoff_claimed_at": None,
            "handoff_agent": None,
            "handoff_agent_name": "",
            "handoff_route": route,
            "handoff_remote_id": str(opened.get("conversation_id") or "")[:100],
            "handoff_remote": opened,
        }
        transaction.on_commit(lambda: announce_inbox(conversation.pk, "waiting"))
        return fields
    if conversation.handoff_status in HELD:  # nobody came in time (no_agent), or the flow moved on otherwise
        transaction.on_commit(lambda: announce_inbox(conversation.pk, "done"))
        return {"handoff_status": Handoff.DONE}
    return {}


# The inbox's writes: each one transaction on the locked conversation, live events on commit.


def _locked(conversation_id: Any) -> Conversation:
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None:
        raise NotHandedOff("No such conversation.")
    return conversation


def _held_by(conversation: Conversation, user: Any) -> None:
    if conversation.handoff_status != Handoff.AGENT:
        raise NotHandedOff("Claim the conversation first: nobody holds it now.")
    if conversation.handoff_agent_id != user.pk:
        raise NotYours(f"{conversation.handoff_agent_name or 'Another agent'} holds this conversation, not you.")


def claim(conversation_id: Any, user: Any, display_name: str = "") -> Conversation:
    """Take a waiting conversation: only one agent holds it; its no-agent deadline is cancelled."""
    name = (display_name.strip() or user.get_full_name() or user.get_username())[:100]
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.handoff_route == INTERCOM and conversation.handoff_status in HELD:
            raise NotHandedOff("This conversation was handed to Intercom: answer it there.")
        if conversation.handoff_status == Handoff.AGENT:
            if conversation.handoff_agent_id == user.pk:
                return conversation
            raise AlreadyClaimed(
                f"{conversation.handoff_agent_name} already holds this conversation; only one agent can.",
                agent=conversation.handoff_agent_name,
            )
        if conversation.handoff_status != Handoff.WAITING or conversation.status != Conversation.Status.ACTIVE:
            raise NotHandedOff("This conversation does not wait for an agent.")
        take(conversation, name, user)
        return conversation


def take(conversation: Conversation, name: str, user: Any = None) -> None:
    """Inside a transaction on the locked row: a person now holds it (an agent here, or an admin in Intercom); the
    no-agent deadline is cancelled and the customer is told who joined."""
    now = timezone.now()
    Timer.objects.filter(conversation_id=conversation.pk, state=Timer.State.PENDING, kind=Timer.Kind.WAKE).update(
        state=Timer.State.CANCELLED, ended_at=now
    )
    conversation.handoff_status = Handoff.AGENT
    conversation.handoff_agent = user
    conversation.handoff_agent_name = name
    conversation.handoff_claimed_at = now
    conversation.save(update_fields=["handoff_status", "handoff_agent", "handoff_agent_name", "handoff_claimed_at"])
    frame = {"type": "chat.agent", "event": "joined", "agent": {"name": name}}
    transaction.on_commit(lambda: _publish_chat(conversation.pk, frame))
    transaction.on_commit(lambda: announce_inbox(conversation.pk, "claimed"))


def reply(conversation_id: Any, user: Any, text: str, *, note: bool = False) -> Message | HandoffNote:
    """The holder's message to the customer (on their channel), or an internal note that is never sent."""
    text = text.strip()
    if not text:
        raise ActionError("Write something to send.")
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if note:
            if conversation.handoff_status == "":
                raise NotHandedOff("Notes are kept on conversations handed to a person.")
            return HandoffNote.objects.create(conversation=conversation, author=user, text=text)
        _held_by(conversation, user)
        return say(conversation, text, conversation.handoff_agent_name)


def say(conversation: Conversation, text: str, name: str, **payload: Any) -> Message:
    """Inside a transaction on the locked row: a person's message to the customer on their channel, kept."""
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUT,
        text=text,
        payload={"agent": {"name": name}, **payload},
    )
    body = {**message_json(message), "agent": {"name": name}}
    transaction.on_commit(lambda: _publish_chat(conversation.pk, {"type": "chat.message", "message": body}))
    messaging.queue_replies(conversation, [message.pk])  # a texting customer gets it by SMS or WhatsApp
    transaction.on_commit(lambda: announce_inbox(conversation.pk, "message"))
    return message


def finish(conversation_id: Any, user: Any, outcome: str, variables: dict[str, Any] | None = None) -> Run:
    """Hand back to the bot (`resolved`, optionally setting variables) or close (`closed`): the handoff node goes on."""
    variables = variables or {}
    bad = [name for name in variables if not VARIABLE.match(str(name)) or len(str(name)) > 64]
    if bad:
        raise ActionError(f"Not a variable name: {bad[0]!r} (letters, digits and _, not starting with a digit).")
    with transaction.atomic():
        conversation = _locked(conversation_id)
        _held_by(conversation, user)
        return resume(conversation, outcome, variables)


def resume(conversation: Conversation, outcome: str, variables: dict[str, Any] | None = None) -> Run:
    """Inside a transaction on the locked row: the handoff is done; the node goes on at `outcome` in a queued turn."""
    payload = {
        "key": HANDOFF_KEY,
        "variable": "",
        "payload": {"outcome": outcome, "variables": variables or {}, "agent": conversation.handoff_agent_name},
    }
    marker = Message.objects.create(conversation=conversation, direction=Message.Direction.IN, payload=payload)
    run = Run.objects.create(
        conversation=conversation, flow_id=conversation.flow_id, trigger=Run.Trigger.HOOK, inbound=marker
    )
    conversation.handoff_status = Handoff.DONE
    conversation.save(update_fields=["handoff_status"])
    if conversation.handoff_agent_name:
        frame = {"type": "chat.agent", "event": "left", "agent": {"name": conversation.handoff_agent_name}}
        transaction.on_commit(lambda: _publish_chat(conversation.pk, frame))
    transaction.on_commit(lambda: announce_inbox(conversation.pk, outcome))
    _send_turn(conversation.pk)
    return run


def store_customer_message(conversation: Conversation, text: str, client_message_id: str | None) -> Message:
    """Inside post_message's transaction: a message for the agent, stored and announced, not run."""
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.IN,
        text=text,
        client_message_id=client_message_id or None,
        payload={"for_agent": True},
    )
    transaction.on_commit(lambda: announce_inbox(conversation.pk, "customer_message"))
    if conversation.handoff_route == INTERCOM:
        from .intercom_bridge import forward_later

        forward_later(conversation.pk)
    return message


def _publish_chat(conversation_id: Any, frame: dict[str, Any]) -> None:
    try:
        live.publish(live.conversation_group(conversation_id), frame)
    except Exception:  # noqa: BLE001 - stored already; the socket is a live view
        log.warning("could not publish to conversation %s", conversation_id, exc_info=True)


def announce_inbox(conversation_id: Any, event: str) -> None:
    """Tell open inboxes a conversation changed (they fetch it again)."""
    try:
        live.publish(INBOX_GROUP, {"type": "inbox.event", "event": event, "conversation_id": str(conversation_id)})
    except Exception:  # noqa: BLE001
        log.warning("could not announce %s of %s to the inbox", event, conversation_id, exc_info=True)
