"""The reconnecting pub/sub channel layer against a redis-server of the test's own, killed and restarted on its
socket: a new subscriber gets in at the first try, and one that was there keeps receiving."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from config import embedded_redis
from config.channel_layer import ReconnectingPubSubChannelLayer


@pytest.fixture
def own_redis():
    """Start/kill controls for a bundled redis-server on a short socket path of this test's own."""
    folder = Path(tempfile.mkdtemp(prefix="fb-cl-"))
    url = f"unix://{folder / 'redis.sock'}"
    procs = []

    def start():
        proc = embedded_redis.start(url, folder / "redis.log")
        assert proc is not None
        procs.append(proc)

    def kill():
        os.kill(procs[-1].pid, signal.SIGKILL)
        procs[-1].wait(10)
        assert not embedded_redis.answers(url)

    start()
    yield url, start, kill
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


async def _receive(layer, channel: str) -> dict:
    return await asyncio.wait_for(layer.receive(channel), 10)


async def _publish_until_received(layer, group: str, channel: str) -> dict:
    """Publish until the subscriber gets it: after a restart, its resubscription may land a moment later.

    One receive waits throughout: cancelling a receive unsubscribes its channel (channels_redis's rule).
    """
    receiving = asyncio.ensure_future(layer.receive(channel))
    for n in range(200):
        await layer.group_send(group, {"type": "chat.message", "n": n})
        done, _ = await asyncio.wait([receiving], timeout=0.1)
        if done:
            return receiving.result()
    receiving.cancel()
    raise AssertionError("the subscriber never received anything after the restart")


def test_the_first_subscribe_after_a_restart_succeeds_when_no_socket_was_open(own_redis):
    url, start, kill = own_redis

    async def scenario():
        layer = ReconnectingPubSubChannelLayer(hosts=[url], prefix="fb")
        first = await layer.new_channel()
        await layer.group_add("g", first)
        await layer.group_discard("g", first)  # the widget left: the connection stays, idle
        kill()
        start()
        channel = await layer.new_channel()  # a socket handshake: must not fail on the dead connection
        await layer.group_add("after", channel)
        await layer.group_send("after", {"type": "chat.message", "text": "hi"})
        assert (await _receive(layer, channel))["text"] == "hi"
        await layer.flush()

    asyncio.run(scenario())


def test_a_socket_open_across_a_restart_keeps_receiving_and_others_can_join(own_redis):
    url, start, kill = own_redis

    async def scenario():
        layer = ReconnectingPubSubChannelLayer(hosts=[url], prefix="fb")
        watcher = await layer.new_channel()
        await layer.group_add("conversation", watcher)
        await layer.group_send("conversation", {"type": "chat.message", "text": "before"})
        assert (await _receive(layer, watcher))["text"] == "before"
        kill()
        start()
        newcomer = await layer.new_channel()
        await layer.group_add("conversation", newcomer)
        got = await _publish_until_received(layer, "conversation", watcher)
        assert got["type"] == "chat.message"
        await layer.flush()

    asyncio.run(scenario())
