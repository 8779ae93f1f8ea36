"""WebSockets over uvicorn: the trace socket streams each step of each run; the chat socket each bot message."""

import json
import time

import pytest
import websocket
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.e2e.helpers import say, start
from tests.factories import EditorFactory, UserFactory, published_flow

pytestmark = [pytest.mark.e2e]


def ws_url(live, path: str) -> str:
    return live.url.replace("http://", "ws://") + path


def receive_until(sock, predicate, timeout: float = 60) -> list[dict]:
    events, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.1))
        event = json.loads(sock.recv())
        events.append(event)
        if predicate(event):
            return events
    raise AssertionError(f"timed out; got {events}")


def test_trace_socket_streams_every_step_with_rendered_input_and_output(live):
    flow = published_flow("greeting", slug="greet-trace")
    token = Token.objects.create(user=EditorFactory())
    sock = websocket.create_connection(ws_url(live, f"/ws/flows/{flow.pk}/traces/?token={token.key}"), timeout=60)
    try:
        conversation = start(live.url, "greet-trace")
        events = receive_until(sock, lambda e: e["event"] == "run.finished")
        assert [(e["event"], e.get("node_id")) for e in events] == [
            ("step.started", "start"),
            ("step.finished", "start"),
            ("step.started", "hello"),
            ("step.finished", "hello"),
            ("step.started", "ask"),
            ("step.finished", "ask"),
            ("run.finished", None),
        ]
        assert events[-1]["status"] == "completed" and events[-1]["conversation_id"] == conversation["id"]

        say(live.url, conversation, "Grace")
        events = receive_until(sock, lambda e: e["event"] == "run.finished")
        finished = {e["node_id"]: e for e in events if e["event"] == "step.finished"}
        assert finished["ask"]["input"]["answer"] == "Grace"
        assert finished["ask"]["output"]["variables"] == {"name": "Grace"}
        assert finished["reply"]["node_type"] == "message"
        assert finished["reply"]["input"] == {"text": "Nice to meet you, Grace."}
        assert finished["reply"]["output"]["messages"] == [{"text": "Nice to meet you, Grace.", "choices": None}]
        assert finished["reply"]["status"] == "succeeded" and finished["reply"]["handle"] == "next"
        assert all(e["duration_ms"] >= 0 for e in finished.values())
    finally:
        sock.close()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_trace_socket_accepts_a_role_holders_session_and_refuses_others(live):
    flow = published_flow("greeting", slug="greet-auth")
    path = f"/ws/flows/{flow.pk}/traces/"
    sock = websocket.create_connection(
        ws_url(live, path), cookie=session_cookie(EditorFactory(role="Viewer")), timeout=10
    )
    sock.close()

    assert close_code(live, path, cookie=session_cookie(UserFactory(is_staff=True))) == 4403  # no role
    outsider = Token.objects.create(user=UserFactory(is_staff=True))
    assert close_code(live, f"{path}?token={outsider.key}") == 4403
    assert close_code(live, path) == 4401
    assert close_code(live, f"{path}?token=wrong") == 4401
    editor = Token.objects.create(user=EditorFactory())
    assert close_code(live, f"/ws/flows/999999/traces/?token={editor.key}") == 4404


def test_a_page_of_another_site_cannot_use_an_editors_session_on_the_trace_socket(live):
    """Cross-site WebSocket hijacking: the browser sends the cookie to any site's socket, with that site's Origin."""
    flow = published_flow("greeting", slug="greet-origin")
    path = f"/ws/flows/{flow.pk}/traces/"
    cookie = session_cookie(EditorFactory())
    for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example", "http://localhost:1"):
        assert close_code(live, path, cookie=cookie, origin=origin) == 4403, origin
    assert close_code(live, path, cookie=cookie, suppress_origin=True) == 4403  # a browser always sends one

    # The builder's own page (its Origin is the host the socket is opened on) watches the runs.
    sock = websocket.create_connection(ws_url(live, path), cookie=cookie, origin=live.url, timeout=10)
    try:
        start(live.url, "greet-origin")
        events = receive_until(sock, lambda e: e["event"] == "run.finished")
        assert events[-1]["status"] == "completed"
    finally:
        sock.close()

    # An API token is no ambient credential (a page must know it): a token client may come from anywhere.
    token = Token.objects.create(user=EditorFactory(role="Viewer")).key
    sock = websocket.create_connection(
        ws_url(live, f"{path}?token={token}"), origin="http://elsewhere.example", timeout=10
    )
    try:
        start(live.url, "greet-origin")
        assert receive_until(sock, lambda e: e["event"] == "run.finished")[-1]["status"] == "completed"
    finally:
        sock.close()


def close_code(live, path: str, **options) -> int:
    """The close code a refused socket gets (it is accepted, then closed, so a browser can read why)."""
    sock = websocket.create_connection(ws_url(live, path), timeout=60, **options)
    opcode, frame = sock.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    return int.from_bytes(frame.data[:2], "big")


def test_chat_socket_pushes_each_bot_message_and_refuses_a_wrong_token(live):
    published_flow("greeting", slug="greet-chat")
    conversation = start(live.url, "greet-chat")
    path = f"/ws/chat/conversations/{conversation['id']}/"
    sock = websocket.create_connection(ws_url(live, f"{path}?token={conversation['token']}"), timeout=60)
    try:
        say(live.url, conversation, "Alan")
        events = receive_until(sock, lambda e: e["type"] == "status")
        assert [e["message"]["text"] for e in events if e["type"] == "message"] == [
            "Nice to meet you, Alan.",
            "Say anything, Alan.",
        ]
        assert events[-1] == {
            "type": "status",
            "status": "active",
            "input": {"type": "text", "choices": None, "node_id": "again"},
        }
    finally:
        sock.close()
    assert close_code(live, f"{path}?token=not-the-token") == 4401
