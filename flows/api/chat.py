"""The chat API for widgets: start a conversation, send a message and get the bot's reply, read the transcript."""

import contextlib
import math
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import actions, live
from flows.cors import chat_origin_ok
from flows.models import Conversation, Flow, Run
from flows.sqlcache import CompiledQuery

from .errors import error_response
from .serializers import (
    PostMessageSerializer,
    ReplySerializer,
    StartReplySerializer,
    StartSerializer,
    TranscriptSerializer,
)
from .throttles import ChatThrottle

# Every turn's first query: the conversation's token hash, compiled once per thread (decision 0048).
_TOKEN_CHECK = CompiledQuery(
    lambda pk: Conversation.objects.only("token_hash").filter(pk=pk)[:1], Conversation._meta.get_field("id")
)

WAIT_PARAM = OpenApiParameter(
    "wait",
    {"type": "number", "minimum": 0, "maximum": 30},
    description="Seconds to wait for the reply (0-30); default from settings",
)
BEARER = OpenApiParameter(
    "Authorization",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Bearer <token> from starting the conversation",
)


def _wait_s(request, default: float | None = None) -> float:
    """`?wait=` in seconds (0-30), else the default; anything else is refused before the request changes anything."""
    raw = request.query_params.get("wait")
    if raw is None:
        return settings.CHAT_REPLY_WAIT_S if default is None else default
    try:
        wait = float(raw)
    except ValueError:
        wait = math.nan
    if not 0 <= wait <= live.MAX_WAIT_S:  # also refuses nan and inf
        raise ValidationError({"wait": [f"A number of seconds from 0 to {live.MAX_WAIT_S:g}, not {raw[:40]!r}."]})
    return wait


def _await_reply(run: Run, wait_s: float) -> tuple[dict, int]:
    """The run's reply once the worker has it; else 202 with the run id to poll or watch on the socket."""
    if wait_s > 0 and not connection.in_atomic_block and connection.settings_dict["OPTIONS"].get("pool"):
        connection.close()  # hand the connection back to the pool for the wait: a slow flow must not hold it
    reply = live.wait_reply(run.pk, wait_s) if wait_s > 0 else None
    if reply is None:
        run.refresh_from_db(fields=["status"])
        reply = actions.reply_for(run)
    if reply is None:
        return {
            "run_id": str(run.pk),
            "run_status": Run.Status.QUEUED,
            "status": "pending",
            "messages": [],
            "input": None,
        }, status.HTTP_202_ACCEPTED
    return reply, status.HTTP_200_OK


class OriginNotAllowed(exceptions.PermissionDenied):
    default_code = "origin_not_allowed"


class ChatView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ChatThrottle]
    ip_scope = "chat_ip"

    def initial(self, request, *args, **kwargs):
        # Before anything is read or stored: a page on a website the flow does not allow gets nothing done.
        if not chat_origin_ok(request):
            raise OriginNotAllowed(
                f"This chat may not be used from {request.headers.get('Origin')}: the flow's allowed websites "
                "do not include it (the builder's Share panel lists them)."
            )
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, OriginNotAllowed):
            # Readable by the refused page itself, so its widget can say why instead of a bare network error.
            response["Access-Control-Allow-Origin"] = self.request.headers.get("Origin", "*")
        return response

    def bearer(self, request) -> str | Response:
        """The bearer token the request sends, else a 401 saying how to send it."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error_response(
                "not_authenticated",
                "Send the conversation's token as 'Authorization: Bearer <token>'.",
                status.HTTP_401_UNAUTHORIZED,
            )
        return token.strip()

    def conversation(self, request, conversation_id, *, whole: bool = True) -> Conversation | Response:
        """The conversation the bearer token opens, else a 401; not `whole`: only its id and token hash (for a turn)."""
        token = self.bearer(request)
        if isinstance(token, Response):
            return token
        try:
            found = Conversation.objects.get(pk=conversation_id) if whole else _TOKEN_CHECK.get(conversation_id)
        except Conversation.DoesNotExist:
            found = None
        if found is None or not actions.token_matches(found, token):
            return error_response(
                "invalid_token",
                "Unknown conversation, or the token does not belong to it.",
                status.HTTP_401_UNAUTHORIZED,
            )
        return found


class StartConversationView(ChatView):
    ip_scope = "chat_start_ip"

    @extend_schema(
        request=StartSerializer,
        parameters=[WAIT_PARAM],
        responses={201: StartReplySerializer, 202: StartReplySerializer},
        auth=[],
    )
    def post(self, request, flow_slug: str):
        """Start a conversation with a published flow: its id, token, first bot messages and awaited input."""
        flow = Flow.objects.filter(slug=flow_slug).first()
        if flow is None:
            return error_response(
                "flow_not_found", f"No flow is published as {flow_slug!r}.", status.HTTP_404_NOT_FOUND
            )
        wait_s = _wait_s(request)
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation, token, run = actions.start_conversation(flow, **serializer.validated_data)
        reply, code = _await_reply(run, wait_s)
        body = {"id": str(conversation.pk), "token": token, **reply}
        return Response(body, status=status.HTTP_201_CREATED if code == status.HTTP_200_OK else code)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """Reads that see the database as of one moment, not a turn committed between two of them.

    SQLite's read transaction is such a snapshot already; PostgreSQL's default (read committed) takes a new one per
    statement, so the transaction asks for repeatable read (possible only as its first statement).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql" and not connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class MessagesView(ChatView):
    @extend_schema(
        request=PostMessageSerializer,
        parameters=[WAIT_PARAM, BEARER],
        responses={200: ReplySerializer, 202: ReplySerializer},
        auth=[],
    )
    def post(self, request, conversation_id):
        """Send the user's message; answers with the bot's replies to it (202 and a run id if the turn takes long)."""
        token = self.bearer(request)
        if isinstance(token, Response):
            return token
        wait_s = _wait_s(request)
        serializer = PostMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The token is checked in the read that locks the conversation's row (401 and nothing stored if it fails).
        run, _created = actions.post_message(
            Conversation(pk=conversation_id),
            serializer.validated_data["text"],
            serializer.validated_data.get("client_message_id"),
            token=token,
        )
        reply, code = _await_reply(run, wait_s)
        return Response(reply, status=code)

    @extend_schema(
        parameters=[BEARER, OpenApiParameter("after", int, description="Only messages after this id")],
        responses=TranscriptSerializer,
        auth=[],
    )
    def get(self, request, conversation_id):
        """The transcript: every message in order, and what the bot waits for now."""
        conversation = self.conversation(request, conversation_id)
        if isinstance(conversation, Response):
            return conversation
        # A hook delivery or a timer firing that resumed the conversation is stored as an inbound message (so turns
        # keep their order), but nobody typed it.
        unsaid = [Run.Trigger.HOOK, Run.Trigger.TIMER]
        messages = conversation.messages.exclude(triggered__trigger__in=unsaid).order_by("id")
        after = request.query_params.get("after", "")
        if after.isdigit():
            messages = messages.filter(id__gt=int(after))
        with _snapshot():  # the messages and what the bot waits for, as of one moment (a turn commits both)
            conversation.refresh_from_db()
            shown = list(messages[:1000])
        body = {
            "id": conversation.pk,
            "status": conversation.status,
            "input": conversation.awaiting if conversation.status == Conversation.Status.ACTIVE else None,
            "messages": shown,
        }
        return Response(TranscriptSerializer(body).data)


class RunReplyView(ChatView):
    @extend_schema(parameters=[WAIT_PARAM, BEARER], responses={200: ReplySerializer, 202: ReplySerializer}, auth=[])
    def get(self, request, conversation_id, run_id):
        """A turn's reply, for a client that got 202: waits like the POST did, then answers."""
        conversation = self.conversation(request, conversation_id, whole=False)
        if isinstance(conversation, Response):
            return conversation
        wait_s = _wait_s(request, default=0)
        run = get_object_or_404(Run, pk=run_id, conversation=conversation)
        reply, code = _await_reply(run, wait_s)
        return Response(reply, status=code)
