"""A canary secret in a credential, echoed back by the server a flow calls, never reaches anything a person sees.

The app runs as in production (uvicorn + a Celery worker + Redis); the flow calls a real local HTTP server with a
bearer-token credential and the server answers with everything it received, token included. The echo goes into a
message, a question's choices (a list variable offered as choices), variables, a model's streamed reply and a run's
error: every field that leaves the worker (replies, `input`, stream deltas, traces, steps, transcripts) is checked.
"""

import json
import time
import uuid

import pytest
import requests
import websocket
from rest_framework.authtoken.models import Token
from werkzeug import Request, Response

from flows import actions
from flows.models import Flow
from integrations import vault
from integrations.models import Credential
from tests.e2e.helpers import auth, say, start, texts
from tests.factories import EditorFactory
from tests.integrations.openai.peer import ChatPeer
from tests.support.graphs import edge, node

pytestmark = [pytest.mark.e2e]


def echo(request: Request) -> Response:
    body = {"headers": dict(request.headers), "query": request.args.to_dict(), "body": request.get_data(as_text=True)}
    return Response(json.dumps(body), content_type="application/json")


def offers(request: Request) -> Response:
    """A list to offer as choices; the first one's label is what the caller sent as Authorization."""
    body = [{"label": request.headers.get("Authorization", "")}, {"label": "No thanks"}]
    return Response(json.dumps(body), content_type="application/json")


def graph(base_url: str, credential_id: int, model_credential_id: int) -> dict:
    return {
        "nodes": [
            node("start", "start"),
            node(
                "call",
                "rest_api",
                method="POST",
                url=f"{base_url}/echo",
                credential=credential_id,
                body='{"note": "hello"}',
                body_type="json",
                save_as="echoed",
            ),
            node("say", "message", text="The server saw {{ echoed.body.headers.Authorization }}"),
            node(
                "offers",
                "rest_api",
                method="GET",
                url=f"{base_url}/offers",
                credential=credential_id,
                mapping=[{"variable": "offers", "path": "@"}],
            ),
            node(
                "ask",
                "question",
                text="Anything else?",
                input_type="choice",
                choices_source="variable",
                choices_variable="offers",
                variable="more",
            ),
            node("missing", "rest_api", method="GET", url=f"{base_url}/missing", credential=credential_id),
            node("ai", "openai", credential=model_credential_id, model="gpt-4o-mini", save_as="said"),
            # A URL made of the model's reply: the step fails, and its error (the run's error too) quotes it.
            node("fail", "rest_api", method="GET", url="{{ said }}"),
        ],
        "edges": [
            edge("start", "next", "call"),
            edge("call", "success", "say"),
            edge("say", "next", "offers"),
            edge("offers", "success", "ask"),
            edge("ask", "next", "missing"),
            edge("missing", "error", "ai"),
            edge("ai", "success", "fail"),
        ],
    }


def test_the_canary_never_reaches_traces_api_responses_logs_or_exports(live, worker, httpserver):
    canary = f"canary-{uuid.uuid4().hex}"
    httpserver.expect_request("/echo").respond_with_handler(echo)
    httpserver.expect_request("/missing").respond_with_handler(
        lambda request: Response(json.dumps({"error": "no such thing", "you_sent": dict(request.headers)}), 404)
    )
    httpserver.expect_request("/offers").respond_with_handler(offers)
    model = ChatPeer(httpserver)
    # The model repeats its API key, split across streamed pieces: no delta may carry any part that gives it away.
    model.reply("I was called with ", canary[:12], canary[12:], " as my key.")
    base_url = f"http://127.0.0.1:{httpserver.port}"
    credential = Credential.objects.create(
        name="Shop API",
        kind="api_connection",
        settings={"base_url": base_url, "auth_type": "bearer"},
        secrets_encrypted=vault.encrypt({"token": canary}),
    )
    model_credential = Credential.objects.create(
        name="Model",
        kind="openai",
        settings={"base_url": model.base_url},
        secrets_encrypted=vault.encrypt({"api_key": canary}),
    )
    editor = EditorFactory()
    flow = Flow(name="Canary", slug=f"canary-{uuid.uuid4().hex[:6]}", owner=editor)
    problems = actions.save_flow(flow, graph=graph(base_url, credential.pk, model_credential.pk))
    assert not [p for p in problems if p["severity"] == "error"], problems
    actions.publish(flow, editor)
    token = Token.objects.create(user=editor)
    api = {"Authorization": f"Token {token.key}"}
    ws = live.url.replace("http://", "ws://")
    sock = websocket.create_connection(f"{ws}/ws/flows/{flow.pk}/traces/?token={token.key}", timeout=60)
    frames: list[str] = []
    try:
        conversation = start(live.url, flow.slug)
        first = texts(conversation)
        chat = websocket.create_connection(
            f"{ws}/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}", timeout=60
        )
        reply = say(live.url, conversation, "1", "m1")  # picks the choice whose label was the echoed token
        assert reply.status_code == 200, reply.text
        deadline = time.monotonic() + 30
        while sum('"run.finished"' in f for f in frames) < 2 and time.monotonic() < deadline:
            sock.settimeout(max(deadline - time.monotonic(), 0.1))
            frames.append(sock.recv())
        chat_frames: list[str] = []

        def second_turn_done() -> bool:
            """The model's deltas came, then the turn's closing status (the first turn's frames may come first)."""
            kinds = [json.loads(f)["type"] for f in chat_frames]
            return "delta" in kinds and "status" in kinds[kinds.index("delta") :]

        while not second_turn_done() and time.monotonic() < deadline:
            chat.settimeout(max(deadline - time.monotonic(), 0.1))
            chat_frames.append(chat.recv())
        chat.close()
    finally:
        sock.close()

    # The flow really sent the token and got it back: the echo's Authorization header was masked, not dropped.
    received = httpserver.log[0][0]
    assert received.headers["Authorization"] == f"Bearer {canary}"
    assert model.requests[-1]["headers"]["Authorization"] == f"Bearer {canary}"
    assert first == ["The server saw Bearer [redacted]", "Anything else?"]
    # The offered choices and the input the client is told to show: the token's choice is there, masked.
    assert conversation["input"]["choices"][0]["label"] == "Bearer [redacted]", conversation["input"]
    assert conversation["messages"][-1]["choices"][0]["label"] == "Bearer [redacted]", conversation["messages"]
    assert sum('"run.finished"' in f for f in frames) == 2
    assert any('"event": "step.delta"' in f for f in frames)  # the model's reply streamed (masked)
    assert any('"type": "delta"' in f for f in chat_frames), chat_frames
    run_error = [json.loads(f) for f in frames if '"run.finished"' in f][-1]["error"]
    # The failing step quoted the model's reply: masked (and, being in a URL, encoded as one value after that).
    assert "[redacted]" in run_error or "%5Bredacted%5D" in run_error, run_error

    seen = {
        "trace frames": "\n".join(frames),
        "chat replies": json.dumps(conversation) + reply.text,
        "chat socket": "\n".join(chat_frames),
        "conversation and its variables": requests.get(
            f"{live.url}/api/v1/conversations/{conversation['id']}/", headers=api, timeout=60
        ).text,
        "transcript": requests.get(
            f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
            headers=auth(conversation),
            timeout=10,
        ).text,
        "runs and steps": requests.get(
            f"{live.url}/api/v1/conversations/{conversation['id']}/runs/", headers=api, timeout=60
        ).text,
        "flow": requests.get(f"{live.url}/api/v1/flows/{flow.pk}/", headers=api, timeout=10).text,
        "export": requests.get(f"{live.url}/api/v1/flows/{flow.pk}/export/", headers=api, timeout=10).text,
        "credentials": requests.get(f"{live.url}/api/v1/credentials/", headers=api, timeout=10).text,
        "worker log": worker.log.read_text(errors="replace"),
        "server log": live.log.read_text(errors="replace"),
    }
    assert "Shop API" in seen["credentials"] and '"fail"' in seen["runs and steps"]
    assert "Bearer [redacted]" in seen["conversation and its variables"]  # the echo and the offers, masked
    leaks = [where for where, text in seen.items() if canary in text]
    assert leaks == [], f"the canary secret shows in: {leaks}"


def test_the_twilio_auth_token_never_reaches_steps_traces_api_answers_logs_or_exports(live, worker):
    """A text to a Twilio channel runs a flow whose `sms` node texts a second number (refused: 21211) and whose
    replies go out through the channel; the auth token authenticates all of it and shows nowhere."""
    import base64

    from flows.models import Channel
    from tests.integrations.twilio.support import SID, make_credential, twilio_signature
    from tests.support.fake_twilio import FakeTwilio

    canary = f"canary{uuid.uuid4().hex}"
    twilio = FakeTwilio(SID, canary).start()
    try:
        credential = make_credential(twilio.base_url, token=canary)
        twilio.invalid.add("+15550000000")
        editor = EditorFactory()
        flow = Flow(name="Canary SMS", slug=f"canary-sms-{uuid.uuid4().hex[:6]}", owner=editor)

        sms = {"credential": credential.pk, "sender": "+15550000001", "text": "Your code is 42."}
        doc = {
            "nodes": [
                node("start", "start"),
                node("ok", "sms", to="{{ sms.from }}", save_as="sent", **sms),
                node("bad", "sms", to="+15550000000", **sms),
                node("say", "message", text="Sent {{ sent.status }}."),
            ],
            "edges": [
                {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ok"},
                {"id": "e2", "source": "ok", "sourceHandle": "success", "target": "bad"},
                {"id": "e3", "source": "bad", "sourceHandle": "error", "target": "say"},
            ],
        }
        problems = actions.save_flow(flow, graph=doc)
        assert not [p for p in problems if p["severity"] == "error"], problems
        actions.publish(flow, editor)
        channel = Channel.objects.create(flow=flow, kind="twilio_sms", credential=credential, sender="+15550000001")
        token = Token.objects.create(user=editor)
        api = {"Authorization": f"Token {token.key}"}
        ws = live.url.replace("http://", "ws://")
        sock = websocket.create_connection(f"{ws}/ws/flows/{flow.pk}/traces/?token={token.key}", timeout=10)
        frames: list[str] = []
        url = f"{live.url}/api/v1/channels/{channel.pk}/twilio/"
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": SID, "From": "+15557654321",
                "To": "+15550000001", "Body": "hi"}  # fmt: skip
        try:
            answer = requests.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form, canary)},
                                   timeout=20)  # fmt: skip
            assert answer.status_code == 200, answer.text
            deadline = time.monotonic() + 20
            while sum('"run.finished"' in f for f in frames) < 1 and time.monotonic() < deadline:
                sock.settimeout(max(deadline - time.monotonic(), 0.1))
                frames.append(sock.recv())
        finally:
            sock.close()
        # The node's text and the channel's reply both reached Twilio, authenticated by the token.
        sent = twilio.wait_for(2)
        assert [m["Body"] for m in sent] == ["Your code is 42.", "Sent queued."]
        callback = {"MessageSid": sent[1]["sid"], "MessageStatus": "failed", "ErrorCode": "30006", "AccountSid": SID}
        requests.post(url, data=callback, headers={"X-Twilio-Signature": twilio_signature(url, callback, canary)},
                      timeout=20)  # fmt: skip
        conversation_id = str(channel.conversations.get().pk)
        seen = {
            "trace frames": "\n".join(frames),
            "runs and steps": requests.get(
                f"{live.url}/api/v1/conversations/{conversation_id}/runs/", headers=api, timeout=10
            ).text,
            "conversation": requests.get(
                f"{live.url}/api/v1/conversations/{conversation_id}/", headers=api, timeout=10
            ).text,  # fmt: skip
            "conversations": requests.get(
                f"{live.url}/api/v1/flows/{flow.pk}/conversations/", headers=api, timeout=10
            ).text,  # fmt: skip
            "channels": requests.get(f"{live.url}/api/v1/flows/{flow.pk}/channels/", headers=api, timeout=10).text,
            "export": requests.get(f"{live.url}/api/v1/flows/{flow.pk}/export/", headers=api, timeout=10).text,
            "credentials": requests.get(f"{live.url}/api/v1/credentials/", headers=api, timeout=10).text,
            "worker log": worker.log.read_text(errors="replace"),
            "server log": live.log.read_text(errors="replace"),
        }
    finally:
        twilio.stop()
    assert '"bad"' in seen["runs and steps"] and "21211" in seen["runs and steps"]
    assert "webhook_url" in seen["channels"]
    basic = base64.b64encode(f"{SID}:{canary}".encode()).decode()
    leaks = [where for where, text in seen.items() if canary in text or basic in text]
    assert leaks == [], f"the Twilio auth token shows in: {leaks}"
