"""The only code that writes flows and conversations: each action is one transaction, tasks sent on commit."""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from nodes.registry import registry

from . import spec as documents
from . import teams
from .graph import SPEC_VERSION, GraphShapeError, Problem, analyse, check_shape, errors
from .models import Conversation, Flow, FlowVersion, Message, Run
from .sqlcache import CompiledInsert, CompiledQuery


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


class InvalidToken(ActionError):
    code = "invalid_token"
    status = 401

    def __init__(self) -> None:
        super().__init__("Unknown conversation, or the token does not belong to it.")


class StaleRevision(ActionError):
    code = "conflict"
    status = 409


class ImportRefused(ActionError):
    code = "invalid_import"


EXPORT_FORMAT = "flowbuilder/flow"
NAME_MAX = 200
SLUG_MAX = 100


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(conversation: Conversation, token: str) -> bool:
    return hmac.compare_digest(hash_token(token), conversation.token_hash)


def validate_graph(graph: dict[str, Any]) -> list[Problem]:
    """Problems in a graph (raises GraphShapeError for a document that is not a graph at all)."""
    return analyse(graph, registry())[1] + teams.unknown_team_problems(graph)


def save_flow(
    flow: Flow, *, graph: dict[str, Any] | None = None, revision: int | None = None, **fields: Any
) -> list[dict[str, Any]]:
    """Store a draft (valid or not) and the problems found in it, as the next revision.

    With `revision` (the one the editor started from), a draft saved meanwhile by someone else is not overwritten:
    StaleRevision (409), and nothing changes."""
    if graph is not None:
        check_shape(graph)  # a list or a string is refused (400), not merged into a dict (500)
        graph = documents.stamp({"spec_version": SPEC_VERSION, **graph}, registry())
        flow.problems = [p.as_dict() for p in validate_graph(graph)]
        flow.graph = graph
    for name, value in fields.items():
        setattr(flow, name, value)
    with transaction.atomic():
        if flow.pk is not None:
            # The row locked, so two saves from the same revision cannot both pass the check.
            current = Flow.objects.select_for_update().filter(pk=flow.pk).values_list("revision", flat=True).first()
            if revision is not None and current is not None and revision != current:
                raise StaleRevision(
                    f"This flow was saved elsewhere (revision {current}; you edited revision {revision}). "
                    "Reload it, or save yours over it.",
                    revision=current,
                )
            flow.revision = (current or 0) + 1
        else:
            flow.revision = 1
        flow.save()
    return flow.problems


def _checked_draft(flow: Flow, doing: str) -> Flow:
    """The flow, locked, with its draft's problems stored; refused while the draft has errors. Inside a transaction."""
    flow = Flow.objects.select_for_update().get(pk=flow.pk)
    problems = validate_graph(flow.graph)
    flow.problems = [p.as_dict() for p in problems]
    flow.save(update_fields=["problems"])
    if errors(problems):
        raise PublishRefused(f"The flow has problems; fix them before {doing}.", problems=flow.problems)
    return flow


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def publish(flow: Flow, user: Any, note: str = "") -> FlowVersion:
    """Freeze the draft as the next immutable version (with the publisher's note), unless it has problems."""
    with transaction.atomic():
        flow = _checked_draft(flow, "publishing")
        number = (flow.versions.filter(is_preview=False).aggregate(n=Max("number"))["n"] or 0) + 1
        return FlowVersion.objects.create(
            flow=flow,
            number=number,
            graph=flow.graph,
            published_by=_user_or_none(user),
            note=note,
        )


def _send_turn(conversation_id: Any, flow_id: Any = None) -> None:
    from .tasks import send_turn

    transaction.on_commit(lambda: send_turn(conversation_id, flow_id=flow_id))


def start_conversation(
    flow: Flow, *, channel: str = "api", external_user_id: str = "", variables: dict[str, Any] | None = None
) -> tuple[Conversation, str, Run]:
    """A new conversation on the flow's latest published version, and its first turn queued."""
    version = flow.published_version
    if version is None:
        raise NotPublished(f"The flow {flow.slug!r} has not been published.")
    with transaction.atomic():
        return _open_conversation(flow, version, channel, external_user_id, variables or {})


def start_preview(flow: Flow, user: Any) -> tuple[Conversation, str, Run]:
    """A test conversation on a snapshot of the current draft (refused while the draft has errors)."""
    with transaction.atomic():
        flow = _checked_draft(flow, "previewing it")
        # Snapshots are immutable like versions (running conversations stay on theirs); an unchanged draft
        # reuses the last one rather than storing the same graph again.
        version = flow.versions.filter(is_preview=True).order_by("-published_at", "-pk").first()
        if version is None or version.graph != flow.graph:
            version = FlowVersion.objects.create(
                flow=flow,
                number=0,
                is_preview=True,
                graph=flow.graph,
                published_by=_user_or_none(user),
            )
        who = f"editor:{user.pk}" if getattr(user, "is_authenticated", False) else ""
        return _open_conversation(flow, version, "preview", who, {})


def _open_conversation(
    flow: Flow, version: FlowVersion, channel: str, external_user_id: str, variables: dict[str, Any]
) -> tuple[Conversation, str, Run]:
    token = secrets.token_urlsafe(32)
    conversation = Conversation.objects.create(
        flow=flow,
        version=version,
        channel=channel,
        external_user_id=external_user_id,
        variables=variables,
        token_hash=hash_token(token),
    )
    run = Run.objects.create(conversation=conversation, flow=flow, trigger=Run.Trigger.START)
    _send_turn(conversation.pk, flow.pk)
    return conversation, token, run


def restore_version(flow: Flow, version: FlowVersion) -> list[dict[str, Any]]:
    """Replace the draft by a published version's graph (the versions themselves stay as they are)."""
    return save_flow(flow, graph=copy.deepcopy(documents.upgrade(version.graph, registry())))


def unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    """A slug made from the text that no other flow has: "name", else "name-2", "name-3", ..."""
    base = slugify(text)[: SLUG_MAX - 10].strip("-") or "flow"
    taken = Flow.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    slugs = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in slugs:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _create_flow(name: str, graph: dict[str, Any], owner: Any) -> Flow:
    """A new flow with a unique slug from its name; a slug taken meanwhile by another request is tried again."""
    flow = Flow(name=name[:NAME_MAX], owner=owner if getattr(owner, "is_authenticated", False) else None, revision=1)
    check_shape(graph)
    flow.graph = documents.stamp({"spec_version": SPEC_VERSION, **graph}, registry())
    flow.problems = [p.as_dict() for p in validate_graph(flow.graph)]
    for _attempt in range(5):
        flow.slug = unique_slug(name)
        try:
            with transaction.atomic():
                flow.save()
            return flow
        except IntegrityError:
            if not Flow.objects.filter(slug=flow.slug).exists():
                raise
    raise ActionError("Could not find a free slug for the flow; try again.")


def duplicate_flow(flow: Flow, user: Any) -> Flow:
    """A copy of the flow's draft under "<name> (copy)"; versions and conversations stay with the original."""
    return _create_flow(f"{flow.name} (copy)", copy.deepcopy(documents.upgrade(flow.graph, registry())), user)


def export_document(flow: Flow) -> dict[str, Any]:
    """The flow's draft as a portable document (credentials stay referenced by id, never by secret)."""
    return {"format": EXPORT_FORMAT, "spec_version": SPEC_VERSION, "name": flow.name, "graph": flow.graph}


def import_flow(document: Any, user: Any) -> Flow:
    """A new flow from an exported document; a file that is not one is refused with the reason."""
    if not isinstance(document, dict):
        raise ImportRefused("The file is not a flow export: it must be a JSON object.")
    if document.get("format") != EXPORT_FORMAT:
        raise ImportRefused(f'The file is not a flow export: its "format" must be "{EXPORT_FORMAT}".')
    spec = document.get("spec_version")
    if not isinstance(spec, int) or isinstance(spec, bool) or spec < 1:
        raise ImportRefused('The file has no valid "spec_version" (a whole number, 1 or more).')
    graph = document.get("graph")
    inner = graph.get("spec_version", spec) if isinstance(graph, dict) else spec
    newest = max(v for v in (spec, inner) if isinstance(v, int))
    if newest > SPEC_VERSION:
        raise ImportRefused(
            f"The file was exported by a newer version of the flow builder (spec_version {newest}); "
            f"this one reads up to {SPEC_VERSION}."
        )
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ImportRefused('The file has no flow "name".')
    if not isinstance(graph, dict):
        raise ImportRefused('The file has no "graph" object with "nodes" and "edges".')
    try:
        check_shape(graph)
    except GraphShapeError as exc:
        raise ImportRefused(f"The file's graph cannot be read: {exc}.") from exc
    # Brought to this version's spec and node versions before it is stored: the draft is edited as it is now.
    graph = documents.upgrade({**graph, "spec_version": newest}, registry())
    return _create_flow(name.strip(), graph, user)


def post_message(
    conversation: Conversation, text: str, client_message_id: str | None, *, token: str | None = None
) -> tuple[Run, bool]:
    """Store an inbound message and queue its turn; a repeated client_message_id returns the first run.

    With `token` (the chat API's bearer token), the conversation is found and its token checked in the read that locks
    its row (InvalidToken, nothing stored, when it is unknown or the token is not its own): one query fewer a turn."""
    try:
        with transaction.atomic():
            # The row lock orders inserts per conversation, so message ids follow arrival order.
            try:
                conv = _LOCKED.get(conversation.pk)
            except Conversation.DoesNotExist:
                if token is not None:
                    raise InvalidToken() from None
                raise
            if token is not None and not token_matches(conv, token):
                raise InvalidToken()
            if client_message_id:
                existing = _turn_of(conv, client_message_id)
                if existing is not None:
                    if existing.status == Run.Status.QUEUED:
                        # A retry after an outage: the first send may have stored the turn but not queued its task.
                        # A second task for the conversation is harmless (it finds the turn done, or does it once).
                        _send_turn(conv.pk)
                    return existing, False
            if conv.status != Conversation.Status.ACTIVE:
                raise ConversationClosed(f"This conversation has {conv.status}; start a new one.")
            from . import handoff

            if handoff.holds_messages(conv):
                # For the person handling it: stored and shown in the inbox; its turn is recorded as not run.
                held = handoff.store_customer_message(conv, text, client_message_id)
                run = Run.objects.create(
                    conversation=conv,
                    flow_id=conv.flow_id,
                    trigger=Run.Trigger.MESSAGE,
                    inbound=held,
                    status=Run.Status.SKIPPED,
                    error="handed to a person: stored for the agent, not run through the flow",
                    finished_at=timezone.now(),
                )
                return run, True
            (message,) = insert_messages(
                [
                    Message(
                        conversation=conv,
                        direction=Message.Direction.IN,
                        text=text,
                        client_message_id=client_message_id or None,
                    )
                ]
            )
            (run,) = _INSERT_RUNS(
                [Run(conversation=conv, flow_id=conv.flow_id, trigger=Run.Trigger.MESSAGE, inbound=message)]
            )
            _send_turn(conv.pk, conv.flow_id)
            return run, True
    except IntegrityError:
        # Two requests with one client_message_id raced: the other one stored it first.
        existing = _turn_of(conversation, client_message_id)
        if existing is None:
            raise
        return existing, False


# A turn's queries, compiled once per thread (decision 0048): the conversation's row, locked; the turn a client
# message id already started (ids are unique per conversation, so no ORDER BY).
_LOCKED = CompiledQuery(
    lambda pk: Conversation.objects.select_for_update().filter(pk=pk)[:1], Conversation._meta.get_field("id")
)
_TURN_OF = CompiledQuery(
    lambda conversation_id, client_message_id: Run.objects.filter(
        inbound__conversation_id=conversation_id, inbound__client_message_id=client_message_id
    )[:1],
    Message._meta.get_field("conversation"),
    Message._meta.get_field("client_message_id"),
)
# A turn's rows, inserted with SQL built once per row count (decision 0049); the worker stores its replies with it.
insert_messages = CompiledInsert(Message)
_INSERT_RUNS = CompiledInsert(Run)


def _turn_of(conversation: Conversation, client_message_id: str | None) -> Run | None:
    """The turn a client message id already started."""
    return next(iter(_TURN_OF(conversation.pk, client_message_id)), None)


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
