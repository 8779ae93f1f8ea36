"""The chat socket checks the page's Origin against the flow's allowed websites, as the chat API does."""

import pytest
import websocket

from flows.models import FlowWidget
from tests.e2e.helpers import say, start
from tests.e2e.test_sockets import receive_until, ws_url
from tests.factories import published_flow

pytestmark = [pytest.mark.e2e]


def _close_code(sock) -> int | None:
    opcode, frame = sock.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    return int.from_bytes(frame.data[:2], "big")


def test_the_chat_socket_refuses_a_website_the_flow_does_not_allow(live):
    flow = published_flow("greeting", slug="greet-origins")
    FlowWidget.objects.create(flow=flow, allowed_origins=["https://shop.example.com"])
    conversation = start(live.url, "greet-origins")  # no Origin: a server, which may
    url = ws_url(live, f"/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}")

    refused = websocket.create_connection(url, timeout=10, origin="https://evil.example.net")
    try:
        assert _close_code(refused) == 4403
    finally:
        refused.close()

    allowed = websocket.create_connection(url, timeout=10, origin="https://shop.example.com")
    try:
        say(live.url, conversation, "Alan")
        events = receive_until(allowed, lambda e: e["type"] == "status")
        assert "Nice to meet you, Alan." in [e["message"]["text"] for e in events if e["type"] == "message"]
    finally:
        allowed.close()
