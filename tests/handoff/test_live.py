"""Handoff as in production (uvicorn + a Celery worker + Redis): a customer reaches a person and back, live on both
sockets; a second claim is refused; nobody claims and the deadline takes `no_agent`."""

from __future__ import annotations

import time

import pytest
import requests
import websocket
from rest_framework.authtoken.models import Token

from flows import roles
from tests.e2e.helpers import say, start
from tests.e2e.test_sockets import receive_until, ws_url
from tests.factories import published_flow, role_user

from .support import handoff_flow

pytestmark = [pytest.mark.e2e]


def agent(name: str, role: str = roles.AGENT) -> dict:
    token = Token.objects.create(user=role_user(role, username=name, first_name=name.title()))
    return {"Authorization": f"Token {token.key}"}


def inbox(live, headers: dict, path: str = "", method: str = "get", **body):
    url = f"{live.url}/api/v1/inbox/conversations/{path}"
    return getattr(requests, method)(url, headers=headers, json=body if method == "post" else None, timeout=30)


def listed(live, headers: dict, timeout: float = 60) -> list[dict]:
    """The inbox once it lists something (the customer's first turn has run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = inbox(live, headers).json()
        if rows:
            return rows
        time.sleep(0.1)
    raise AssertionError("the inbox never listed the conversation")


def test_a_customer_reaches_an_agent_they_talk_live_and_the_bot_goes_on_at_resolved(live):
    published_flow(handoff_flow(no_agent_after="10m"), slug="live-handoff")
    conversation = start(live.url, "live-handoff", variables={"order": "A-17"})
    cid = conversation["id"]
    chat = websocket.create_connection(ws_url(live, f"/ws/chat/conversations/{cid}/?token={conversation['token']}"))
    ana, bo = agent("ana"), agent("bo")
    agents_socket = websocket.create_connection(ws_url(live, f"/ws/inbox/?token={ana['Authorization'][6:]}"))
    try:
        # The first turn may still run (202): the inbox lists the conversation once it waits for a person.
        (row,) = listed(live, ana)
        assert (row["id"], row["status"], row["reason"]) == (cid, "waiting", "Wants a refund for A-17")

        claimed = inbox(live, ana, f"{cid}/claim/", "post", display_name="Ana")
        assert claimed.status_code == 200, claimed.text
        joined = receive_until(chat, lambda e: e["type"] == "agent")[-1]
        assert joined == {"type": "agent", "event": "joined", "agent": {"name": "Ana"}}
        refused = inbox(live, bo, f"{cid}/claim/", "post")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_claimed"

        assert inbox(live, ana, f"{cid}/messages/", "post", text="Hi, Ana here.").status_code == 201
        said = receive_until(chat, lambda e: e["type"] == "message")[-1]
        assert said["message"]["text"] == "Hi, Ana here." and said["message"]["agent"] == {"name": "Ana"}

        sent = say(live.url, conversation, "My order is late.", wait=5)
        assert sent.status_code == 200 and sent.json()["messages"] == []  # stored for the agent, not run
        receive_until(agents_socket, lambda e: e == {"event": "customer_message", "conversation_id": cid})
        transcript = inbox(live, ana, f"{cid}/messages/").json()["messages"]
        assert ("customer", "My order is late.") in [(m["kind"], m["text"]) for m in transcript]

        released = inbox(live, ana, f"{cid}/release/", "post", variables={"refund": "approved"})
        assert released.status_code == 202, released.text
        back = receive_until(chat, lambda e: e["type"] == "message" and "Back with the bot" in e["message"]["text"])
        assert back[-1]["message"]["text"] == "Back with the bot. Refund: approved"
        assert {"type": "agent", "event": "left", "agent": {"name": "Ana"}} in back
    finally:
        chat.close()
        agents_socket.close()


def test_nobody_claims_and_no_agent_fires_at_the_deadline(live):
    published_flow(handoff_flow(no_agent_after="2s"), slug="live-no-agent")
    conversation = start(live.url, "live-no-agent", variables={"order": "B-2"})
    chat = websocket.create_connection(
        ws_url(live, f"/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}")
    )
    try:
        events = receive_until(
            chat, lambda e: e["type"] == "message" and e["message"]["text"].startswith("Nobody is free"), timeout=90
        )
        assert events[-1]["message"]["text"] == "Nobody is free; we will email you."
        late = inbox(live, agent("cy"), f"{conversation['id']}/claim/", "post")
        assert late.status_code == 409 and late.json()["error"]["code"] == "not_handed_off"
    finally:
        chat.close()


def test_the_inbox_socket_refuses_users_without_the_answer_permission(live):
    viewer = agent("vi", roles.VIEWER)["Authorization"][6:]
    sock = websocket.create_connection(ws_url(live, f"/ws/inbox/?token={viewer}"), timeout=30)
    try:
        opcode, frame = sock.recv_data_frame(True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(frame.data[:2], "big") == 4403
    finally:
        sock.close()
