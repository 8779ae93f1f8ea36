"""The openai node with the real `openai` client, through the guarded client, against a local Chat Completions peer."""

from __future__ import annotations

import pytest

from tests.integrations.nodes.support import credential, problems

from .conftest import KEY
from .peer import MODEL, ChatPeer
from .support import Listener, conversation, dumped, run

pytestmark = pytest.mark.django_db

SCHEMA = (
    '{"type": "object", "properties": {"city": {"type": "string"}, "nights": {"type": "integer"}},'
    ' "required": ["city", "nights"], "additionalProperties": false}'
)


def node(cred, **data):
    return {"credential": cred.pk, "model": "gpt-4o-mini", **data}


def test_a_completion_is_saved_with_its_usage_and_the_key_goes_only_in_the_authorization_header(
    svc, peer, openai_credential
):
    peer.reply("Paris is the capital of France.", usage=(31, 8))
    turn = run(
        node(
            openai_credential,
            system_prompt="You answer in one sentence about {{ topic }}.",
            user_prompt="What is the capital of {{ country }}?",
            temperature=0.2,
            max_tokens=50,
            send_message=False,
            save_as="answer",
        ),
        svc,
        variables={"topic": "geography", "country": "France"},
    )

    assert turn.handle == "success", turn.error
    assert turn.variables["answer"] == "Paris is the capital of France."
    assert turn.said == ["OK"]
    assert turn.step.output["usage"] == {"prompt_tokens": 31, "completion_tokens": 8, "total_tokens": 39}
    assert turn.step.output["model"] == MODEL and turn.step.output["finish_reason"] == "stop"
    ((received),) = peer.requests
    assert received["path"] == "/v1/chat/completions"
    assert received["headers"]["Authorization"] == f"Bearer {KEY}"
    assert received["headers"]["Openai-Organization"] == "org-flows"
    assert received["body"] == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You answer in one sentence about geography."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        "temperature": 0.2,
        "max_tokens": 50,  # an OpenAI-compatible server's name for the limit
    }
    assert KEY not in dumped(turn)
    assert turn.exchanges[0]["request"]["headers"]["authorization"] == "Bearer [redacted]"


def test_a_streamed_reply_goes_out_live_in_pieces_then_as_the_message_with_usage_from_the_usage_chunk(
    svc, peer, openai_credential
):
    convo = conversation(("in", "Tell me a story"))
    peer.gap_s = 0.06  # more than the 50 ms batching: each piece is its own delta
    peer.reply("Once ", "upon ", "a ", "time.", usage=(12, 4))
    listener = Listener(convo.pk)
    try:
        turn = run(node(openai_credential), svc, convo=convo, streams=True)
        events = listener.drain()
    finally:
        listener.close()

    assert turn.handle == "success", turn.error
    assert turn.said == ["Once upon a time.", "OK"]
    deltas = [e for e in events if e["type"] == "chat.delta"]
    assert len(deltas) >= 3
    assert "".join(e["text"] for e in deltas) == "Once upon a time."
    (stream_id,) = {e["stream_id"] for e in deltas}
    assert turn.result.messages[0]["stream_id"] == stream_id
    assert turn.step.output["usage"] == {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}
    assert turn.step.output["streamed"] is True
    body = peer.requests[0]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": "user", "content": "Tell me a story"}]  # blank prompt: the last user message
    assert "data: [DONE]" in turn.exchanges[0]["response"]["body"]


def test_the_live_text_never_carries_a_secret_even_split_across_pieces(svc, peer, openai_credential):
    convo = conversation(("in", "Repeat the key"))
    peer.gap_s = 0.06
    peer.reply("The key is sk-test-", "a1b2c3", "d4e5f6 ok")
    listener = Listener(convo.pk)
    try:
        turn = run(node(openai_credential), svc, convo=convo, streams=True)
        deltas = [e["text"] for e in listener.drain() if e["type"] == "chat.delta"]
    finally:
        listener.close()

    assert "".join(deltas) == "The key is [redacted] ok"
    assert all("a1b2c3" not in text for text in deltas)
    assert turn.step.output["messages"][0]["text"] == "The key is [redacted] ok"  # the task stores it so too


def test_earlier_turns_are_sent_as_context_and_older_ones_are_not(svc, peer, openai_credential):
    convo = conversation(
        ("out", "Hi! What can I do?"),
        ("in", "I want a room"),
        ("out", "Which city?"),
        ("in", "Lisbon"),
        ("out", "How many nights?"),
        ("in", "Three"),
    )
    peer.reply("Booked: 3 nights in Lisbon.")
    turn = run(node(openai_credential, system_prompt="Be brief.", history_turns=1), svc, convo=convo)

    assert turn.handle == "success", turn.error
    assert peer.requests[0]["body"]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Lisbon"},
        {"role": "assistant", "content": "How many nights?"},
        {"role": "user", "content": "Three"},
    ]

    peer.requests.clear()
    run(node(openai_credential, history_turns=10, user_prompt="Summarise the booking."), svc, convo=convo)
    assert [m["content"] for m in peer.requests[0]["body"]["messages"]] == [
        "Hi! What can I do?",
        "I want a room",
        "Which city?",
        "Lisbon",
        "How many nights?",
        "Three",
        "Summarise the booking.",
    ]

    peer.requests.clear()
    run(node(openai_credential, history_turns=1, user_prompt="Summarise the booking."), svc, convo=convo)
    assert [m["content"] for m in peer.requests[0]["body"]["messages"]] == ["Three", "Summarise the booking."]


def test_a_json_reply_matching_the_schema_is_mapped_to_variables(svc, peer, openai_credential):
    peer.reply('{"city": "Lisbon", "nights": 3}')
    turn = run(
        node(
            openai_credential,
            user_prompt="Extract the booking from: {{ text }}",
            response_format="json",
            json_schema=SCHEMA,
            mapping=[
                {"variable": "city", "path": "city"},
                {"variable": "nights", "path": "nights", "cast": "number"},
            ],
            save_as="booking",
        ),
        svc,
        variables={"text": "three nights in Lisbon please"},
    )

    assert turn.handle == "success", turn.error
    assert turn.variables["city"] == "Lisbon" and turn.variables["nights"] == 3
    assert turn.variables["booking"] == {"city": "Lisbon", "nights": 3}
    assert turn.said == ["OK"]  # a JSON reply is data, never a bot message
    assert peer.requests[0]["body"]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": __import__("json").loads(SCHEMA), "strict": True},
    }


def test_a_json_reply_that_does_not_match_the_schema_follows_the_error_handle(svc, peer, openai_credential):
    peer.reply('{"city": "Lisbon", "nights": "three"}')
    turn = run(node(openai_credential, user_prompt="x", response_format="json", json_schema=SCHEMA, save_as="b"), svc)

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == "The reply does not match the JSON Schema: 'three' is not of type 'integer' (at nights)."
    assert "b" not in turn.variables


def test_a_refused_key_is_a_plain_sentence_naming_the_credential(svc, peer, openai_credential):
    peer.fail(401, "Incorrect API key provided: sk-test-****f6.", "invalid_request_error", "invalid_api_key")
    turn = run(node(openai_credential, user_prompt="Hi", save_as="r"), svc)

    assert turn.handle == "error"
    assert turn.error == f"127.0.0.1:{peer.server.port} refused the API key (401): check the credential 'OpenAI'."
    assert KEY not in dumped(turn)
    assert turn.step.output["exchanges"][0]["response"]["status"] == 401


def test_429_is_retried_per_the_policy_honouring_retry_after(svc, peer, openai_credential):
    limited = "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1."
    peer.fail(429, limited, "requests", "rate_limit_exceeded", headers={"retry-after": "0"})
    peer.reply("Fine now.")
    turn = run(node(openai_credential, user_prompt="Hi", save_as="r", retry={"attempts": 2, "backoff_s": 30}), svc)

    assert turn.handle == "success", turn.error
    assert turn.variables["r"] == "Fine now." and len(peer.requests) == 2
    assert turn.step.output["attempts"] == 2  # retried at once: Retry-After said 0, the 30 s backoff did not apply
    assert peer.requests[1]["headers"]["X-Stainless-Retry-Count"] == "0"  # the client's own retries are off


def test_429_after_the_last_attempt_and_a_500_say_what_the_server_said(svc, peer, openai_credential):
    peer.fail(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota", {"retry-after": "0"})
    turn = run(node(openai_credential, user_prompt="Hi", save_as="r", retry={"attempts": 2, "backoff_s": 0}), svc)
    host = f"127.0.0.1:{peer.server.port}"
    assert turn.handle == "error"
    assert turn.error == (
        f"{host} is rate-limiting this key or its quota is used up (429) after 2 attempts: "
        "You exceeded your current quota."
    )

    peer.answers.clear()
    peer.fail(500, "The server had an error while processing your request. Sorry about that!", "server_error", None)
    turn = run(node(openai_credential, user_prompt="Hi", save_as="r"), svc)
    assert turn.error == (
        f"{host} answered 500 Internal Server Error after 1 attempt: "
        "The server had an error while processing your request. Sorry about that!"
    )


def test_a_server_that_does_not_answer_in_time_is_a_timeout(svc, silent_port):
    cred = credential("Slow", "openai", {"base_url": f"http://127.0.0.1:{silent_port}/v1"}, {"api_key": KEY})
    turn = run(node(cred, user_prompt="Hi", save_as="r", timeout_s=1), svc)

    assert turn.handle == "error"
    assert (
        turn.error == f"The call to 127.0.0.1:{silent_port} failed: The server at 127.0.0.1 did not answer within 1 s."
    )
    assert turn.step.output["exchanges"][0]["error"].endswith("did not answer within 1 s.")


def test_a_refusal_and_a_filtered_reply_follow_the_error_handle(svc, peer, openai_credential):
    peer.reply(refusal="I'm sorry, I can't help with that.")
    turn = run(node(openai_credential, user_prompt="Something bad", save_as="r"), svc)
    assert turn.handle == "error"
    assert turn.error == "The model refused to answer: I'm sorry, I can't help with that."

    convo = conversation(("in", "Something bad"))
    peer.answers.clear()
    peer.reply("Here is how to", finish_reason="content_filter")
    listener = Listener(convo.pk)
    try:
        turn = run(node(openai_credential), svc, convo=convo, streams=True)
        events = listener.drain()
    finally:
        listener.close()
    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == "The reply was withheld by the content filter (finish_reason content_filter)."
    assert events[-1]["type"] == "chat.delta" and events[-1]["discarded"] is True  # the widget drops the live text


def test_a_base_url_at_an_openai_compatible_path_is_used_as_given(svc, httpserver_ipv4):
    groq_like = ChatPeer(httpserver_ipv4, prefix="/openai/v1")
    groq_like.reply("Hello from a compatible server.")
    cred = credential("Groq", "openai", {"base_url": groq_like.base_url + "/"}, {"api_key": "gsk-local-0123456789"})
    turn = run(node(cred, model="llama-3.1-8b-instant", user_prompt="Hi", save_as="r"), svc)

    assert turn.handle == "success", turn.error
    assert groq_like.requests[0]["path"] == "/openai/v1/chat/completions"
    assert groq_like.requests[0]["headers"]["Authorization"] == "Bearer gsk-local-0123456789"
    assert "Openai-Organization" not in groq_like.requests[0]["headers"]


def test_a_blank_user_prompt_with_no_user_message_fails_in_a_sentence(svc, peer, openai_credential):
    peer.reply("unused")
    turn = run(node(openai_credential, save_as="r"), svc, convo=conversation(("out", "Welcome!")))
    assert turn.handle == "error"
    assert turn.error == "There is no user message to answer yet: write a user prompt for this node."
    assert peer.requests == []


def test_save_time_checks_name_the_field(openai_credential):
    found = problems("openai", node(openai_credential, response_format="json", json_schema="{", save_as="x"))
    assert found["json_schema"].startswith("The JSON Schema is not valid JSON (")
    found = problems("openai", node(openai_credential, response_format="json", json_schema='{"type": "array"}'))
    assert found["json_schema"] == 'The reply must be a JSON object: give the schema "type": "object" at the top.'
    assert found["save_as"] == "The JSON reply goes nowhere: map its fields or save it in a variable."
    bad = '{"type": "object", "properties": {"a": {"type": "strng"}}}'
    found = problems("openai", node(openai_credential, response_format="json", json_schema=bad, save_as="x"))
    assert "not a valid JSON Schema" in found["json_schema"]
    found = problems("openai", node(openai_credential, send_message=False))
    assert found["save_as"] == "The reply goes nowhere: send it as a message or save it in a variable."
    assert problems("openai", node(openai_credential)) == {}


def test_a_server_that_is_not_an_openai_api_is_a_plain_failure(svc, httpserver_ipv4):
    httpserver_ipv4.expect_request("/v1/chat/completions").respond_with_data(
        "<html>Hi</html>", content_type="text/html"
    )
    cred = credential("Web", "openai", {"base_url": f"http://127.0.0.1:{httpserver_ipv4.port}/v1"}, {"api_key": KEY})
    turn = run(node(cred, user_prompt="Hi", save_as="r"), svc)
    assert turn.handle == "error"
    assert turn.error == "The server did not answer as an OpenAI-compatible API (no chat completion came back)."
