"""WebSockets: a widget watches its conversation; an editor watches a flow's runs step by step."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from . import live

# Close codes a client can act on (4000-4999 are the application's own). A refused socket is accepted and then
# closed with one of these, because a browser's WebSocket never sees why a handshake was refused.
UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 4401, 4403, 4404


async def refuse(consumer: AsyncJsonWebsocketConsumer, code: int) -> None:
    await consumer.accept()
    await consumer.close(code=code)


def _query_token(scope) -> str:
    values = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])
    return values[0]


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return ""


def same_origin(scope) -> bool:
    """Whether the socket was opened by a page of this site, as Django's CSRF check decides for a form post.

    A browser sends the session cookie with a socket any site opens (cross-site WebSocket hijacking), but it
    always sends that site's Origin: it must name the host the socket was opened on (itself one of
    ALLOWED_HOSTS), or one of CSRF_TRUSTED_ORIGINS."""
    origin = _header(scope, b"origin")
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return bool(domain) and validate_host(domain, allowed) and urlsplit(origin).netloc.lower() == host.lower()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A socket whose handlers reach the database only through `database_sync_to_async` (which closes stale
    connections around its own call), so an event is handed to its handler without a hop to a thread, together with
    the events queued behind it."""

    async def dispatch(self, message):
        await self._handle(message)
        if not message["type"].startswith("websocket."):
            # Events that arrived meanwhile go out now, in this turn of the event loop: each on its own would wait
            # for the loop (under a chat load, for the GIL) once more, and a busy flow's events fell behind.
            drain = getattr(self.channel_layer, "receive_nowait", None)
            for queued in drain(self.channel_name) if drain is not None else []:
                await self._handle(queued)

    async def _handle(self, message):
        # Channels closes stale database connections before every handler, in a hop to the process's one thread for
        # sync code: for every event a socket is sent. Under a chat load each hop waited for the GIL and the events
        # of a watched flow queued behind one another for hundreds of milliseconds (decision 0053).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class ChatConsumer(LiveConsumer):
    """`/ws/chat/conversations/{id}/?token=...`: each bot message of the conversation, as it is sent."""

    async def connect(self):
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        if not await self._token_ok(conversation_id, _query_token(self.scope)):
            await refuse(self, UNAUTHORIZED)
            return
        if not await self._origin_ok(conversation_id):
            await refuse(self, FORBIDDEN)  # a page on a website the flow's widget may not be used from
            return
        self.group = live.conversation_group(conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _token_ok(self, conversation_id, token: str) -> bool:
        from .actions import token_matches
        from .models import Conversation

        conversation = Conversation.objects.filter(pk=conversation_id).only("token_hash").first()
        return bool(token) and conversation is not None and token_matches(conversation, token)

    @database_sync_to_async
    def _origin_ok(self, conversation_id) -> bool:
        from .widget import origin_allowed, origins_of_conversation

        origin = _header(self.scope, b"origin")
        return origin_allowed(origins_of_conversation(conversation_id) or [], origin, _header(self.scope, b"host"))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def chat_message(self, event):
        body = {"type": "message", "message": event["message"]}
        if event.get("stream_id"):
            body["stream_id"] = event["stream_id"]  # this message replaces that stream's live text
        await self.send_json(body)

    async def chat_delta(self, event):
        """A piece of a bot message's text as it is written (e.g. model tokens); the message itself follows."""
        body = {"type": "delta", "stream_id": event["stream_id"], "text": event["text"]}
        if event.get("discarded"):
            body["discarded"] = True  # no message follows: drop the live text
        await self.send_json(body)

    async def chat_status(self, event):
        await self.send_json({"type": "status", "status": event["status"], "input": event["input"]})

    async def chat_agent(self, event):
        """A person joined (claimed the conversation) or left (handed back or closed): the name they chose to show."""
        await self.send_json({"type": "agent", "event": event["event"], "agent": event["agent"]})


def builder_refusal(scope, user, token: str, permission: str) -> int | None:
    """None when a builder user (session from this site, or an API token) holds `permission`; else the close code."""
    from .api.permissions import can_use_builder

    if token:  # a DRF API token (clients without a session cookie): it is no ambient credential, any origin
        from rest_framework.authtoken.models import Token

        found = Token.objects.select_related("user").filter(key=token).first()
        if found is None or not found.user.is_active:
            return UNAUTHORIZED
        user = found.user
    elif user is None or not user.is_authenticated:
        return UNAUTHORIZED
    elif not same_origin(scope):
        return FORBIDDEN  # the session cookie, sent by a page of another site
    if permission == "flows.view_run" and not can_use_builder(user):
        return FORBIDDEN
    return None if user.has_perm(permission) else FORBIDDEN


class TraceConsumer(LiveConsumer):
    """`/ws/flows/{id}/traces/` (editors): step.started / step.finished / run.finished for every run of the flow."""

    async def connect(self):
        flow_id = self.scope["url_route"]["kwargs"]["flow_id"]
        refused = await self._refusal(self.scope.get("user"), _query_token(self.scope))
        if refused:
            await refuse(self, refused)
            return
        if not await self._flow_exists(flow_id):
            await refuse(self, NOT_FOUND)
            return
        self.group = live.trace_group(flow_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _refusal(self, user, token: str) -> int | None:
        """None when the user may watch runs; else the close code saying why not."""
        return builder_refusal(self.scope, user, token, "flows.view_run")

    @database_sync_to_async
    def _flow_exists(self, flow_id) -> bool:
        from .models import Flow

        return Flow.objects.filter(pk=flow_id).exists()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def trace_event(self, event):
        await self.send_json(event["event"])


class InboxConsumer(LiveConsumer):
    """`/ws/inbox/` (agents): which handed-off conversation changed (waiting, claimed, message, resolved, closed)."""

    async def connect(self):
        refused = await self._refusal(self.scope.get("user"), _query_token(self.scope))
        if refused:
            await refuse(self, refused)
            return
        from .handoff import INBOX_GROUP

        self.group = INBOX_GROUP
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _refusal(self, user, token: str) -> int | None:
        return builder_refusal(self.scope, user, token, "flows.answer_conversation")

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def inbox_event(self, event):
        await self.send_json({"event": event["event"], "conversation_id": event["conversation_id"]})
