"""The only code that writes flows and conversations: each action is one transaction, tasks sent on commit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from nodes.registry import registry

from .graph import SPEC_VERSION, Problem, analyse, check_shape, errors
from .models import Conversation, Flow, FlowVersion, Message, Run


class ActionError(Exception):
    """A request the current state does not allow; `code` is stable for clients."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.extra = extra


class PublishRefused(ActionError):
    code = "graph_has_problems"


class NotPublished(ActionError):
    code = "flow_not_published"
    status = 404


class ConversationClosed(ActionError):
    code = "conversation_closed"
    status = 409


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(conversation: Conversation, token: str) -> bool:
    return hmac.compare_digest(hash_token(token), conversation.token_hash)


def validate_graph(graph: dict[str, Any]) -> list[Problem]:
    """Problems in a graph (raises GraphShapeError for a document that is not a graph at all)."""
    return analyse(graph, registry())[1]


def save_flow(flow: Flow, *, graph: dict[str, Any] | None = None, **fields: Any) -> list[dict[str, Any]]:
    """Store a draft (valid or not) and the problems found in it."""
    if graph is not None:
        check_shape(graph)  # a list or a string is refused (400), not merged into a dict (500)
        graph = {"spec_version": SPEC_VERSION, **graph}
        flow.problems = [p.as_dict() for p in validate_graph(graph)]
        flow.graph = graph
    for name, value in fields.items():
        setattr(flow, name, value)
    with transaction.atomic():
        flow.save()
    return flow.problems


def publish(flow: Flow, user: Any) -> FlowVersion:
    """Freeze the draft as the next immutable version, unless it has problems."""
    with transaction.atomic():
        flow = Flow.objects.select_for_update().get(pk=flow.pk)
        problems = validate_graph(flow.graph)
        flow.problems = [p.as_dict() for p in problems]
        flow.save(update_fields=["problems"])
        if errors(problems):
            raise PublishRefused(
                "The flow has problems; fix them before publishing.", problems=[p.as_dict() for p in problems]
            )
        number = (flow.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return FlowVersion.objects.create(
            flow=flow,
            number=number,
            graph=flow.graph,
            published_by=user if getattr(user, "is_authenticated", False) else None,
        )


def _send_turn(conversation_id: Any) -> None:
    from .tasks import process_conversation

    transaction.on_commit(lambda: process_conversation.delay(str(conversation_id)))


def start_conversation(
    flow: Flow, *, channel: str = "api", external_user_id: str = "", variables: dict[str, Any] | None = None
) -> tuple[Conversation, str, Run]:
    """A new conversation on the flow's latest published version, and its first turn queued."""
    version = flow.versions.order_by("-number").first()
    if version is None:
        raise NotPublished(f"The flow {flow.slug!r} has not been published.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            flow=flow,
            version=version,
            channel=channel,
            external_user_id=external_user_id,
            variables=variables or {},
            token_hash=hash_token(token),
        )
        run = Run.objects.create(conversation=conversation, flow=flow, trigger=Run.Trigger.START)
        _send_turn(conversation.pk)
    return conversation, token, run


def post_message(conversation: Conversation, text: str, client_message_id: str | None) -> tuple[Run, bool]:
    """Store an inbound message and queue its turn; a repeated client_message_id returns the first run."""
    try:
        with transaction.atomic():
            # The row lock orders inserts per conversation, so message ids follow arrival order.
            conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
            if client_message_id:
                existing = Run.objects.filter(
                    inbound__conversation=conv, inbound__client_message_id=client_message_id
                ).first()
                if existing is not None:
                    return existing, False
            if conv.status != Conversation.Status.ACTIVE:
                raise ConversationClosed(f"This conversation has {conv.status}; start a new one.")
            message = Message.objects.create(
                conversation=conv,
                direction=Message.Direction.IN,
                text=text,
                client_message_id=client_message_id or None,
            )
            run = Run.objects.create(
                conversation=conv, flow_id=conv.flow_id, trigger=Run.Trigger.MESSAGE, inbound=message
            )
            _send_turn(conv.pk)
            return run, True
    except IntegrityError:
        # Two requests with one client_message_id raced: the other one stored it first.
        existing = Run.objects.filter(
            inbound__conversation=conversation, inbound__client_message_id=client_message_id
        ).first()
        if existing is None:
            raise
        return existing, False


def reply_for(run: Run) -> dict[str, Any] | None:
    """The reply of a finished run as the chat API shows it, from the database; None while it is queued."""
    if run.status == Run.Status.QUEUED:
        return None
    conversation = Conversation.objects.only("status", "awaiting").get(pk=run.conversation_id)
    messages = [message_json(m) for m in run.messages.filter(direction=Message.Direction.OUT).order_by("id")]
    return reply_payload(run, conversation.status, messages, conversation.awaiting)


def message_json(message: Message) -> dict[str, Any]:
    return {"id": message.pk, "text": message.text, "choices": message.choices}


def reply_payload(run: Run, status: str, messages: list[dict[str, Any]], awaiting: Any) -> dict[str, Any]:
    return {
        "run_id": str(run.pk),
        "run_status": run.status,
        "status": status,
        "messages": messages,
        "input": awaiting if status == Conversation.Status.ACTIVE else None,
    }
