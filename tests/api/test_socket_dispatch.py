"""A socket's events are handed to it on the event loop: none waits for the process's one thread for sync code, which
a slow database call may hold (decision 0053). Channels' own dispatch hops to that thread before every event."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from flows import live
from flows.actions import hash_token
from flows.models import Conversation
from tests.factories import EditorFactory, published_flow

pytestmark = pytest.mark.django_db(transaction=True)


def _trace_socket() -> tuple[str, str, dict, dict]:
    flow = published_flow("greeting", slug="dispatch-trace")
    token = Token.objects.create(user=EditorFactory())
    event = {"event": "step.started", "run_id": "r1", "seq": 1, "node_id": "start"}
    return (
        f"/ws/flows/{flow.pk}/traces/?token={token.key}",
        live.trace_group(flow.pk),
        {"type": "trace.event", "event": event},
        event,
    )


def _chat_socket() -> tuple[str, str, dict, dict]:
    flow = published_flow("greeting", slug="dispatch-chat")
    conversation = Conversation.objects.create(
        flow=flow, version=flow.versions.first(), token_hash=hash_token("the-token")
    )
    message = {"id": 1, "direction": "out", "text": "Hello", "choices": None}
    return (
        f"/ws/chat/conversations/{conversation.pk}/?token=the-token",
        live.conversation_group(conversation.pk),
        {"type": "chat.message", "message": message},
        {"type": "message", "message": message},
    )


@pytest.mark.parametrize("socket_of", [_trace_socket, _chat_socket], ids=["trace socket", "chat socket"])
def test_an_event_reaches_the_socket_while_sync_code_holds_the_thread(socket_of):
    path, group, sent, shown = socket_of()

    async def scenario():
        socket = WebsocketCommunicator(application, path)
        connected, _ = await socket.connect(timeout=10)
        assert connected
        gate = threading.Event()
        # The one thread `sync_to_async` runs on, held (as by another socket's token check on a slow database).
        busy = asyncio.ensure_future(sync_to_async(gate.wait)())
        try:
            await get_channel_layer().group_send(group, sent)
            assert await socket.receive_json_from(timeout=10) == shown
            assert not busy.done()
        finally:
            gate.set()
            await busy
        await socket.disconnect()
        await get_channel_layer().flush()

    asyncio.run(scenario())


def test_events_that_queued_up_behind_one_go_out_with_it():
    path, group, _sent, _shown = _trace_socket()

    async def scenario():
        socket = WebsocketCommunicator(application, path)
        connected, _ = await socket.connect(timeout=10)
        assert connected
        # A burst (a busy flow's steps) reaches the process while its event loop is busy elsewhere: here, this
        # coroutine publishes without giving the loop a turn, and the burst waits on the socket meanwhile.
        for seq in range(20):
            live.publish(group, {"type": "trace.event", "event": {"event": "step.started", "seq": seq}})
        time.sleep(0.2)
        first = await socket.receive_json_from(timeout=10)
        # The rest went out with the first, in the same turn of the loop, not one turn (and GIL wait) each.
        assert socket.output_queue.qsize() == 19
        rest = [await socket.receive_json_from(timeout=1) for _ in range(19)]
        assert [e["seq"] for e in [first, *rest]] == list(range(20))
        await socket.disconnect()
        await get_channel_layer().flush()

    asyncio.run(scenario())
