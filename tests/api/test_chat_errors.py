"""The chat API's bad input: one JSON error shape, and nothing stored. Throttling, CORS, repeated messages."""

import contextlib
import uuid

import pytest
import requests
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from flows import actions
from flows.models import Conversation, Message, Run
from tests.api.conftest import row_counts
from tests.factories import FlowFactory, load_graph, published_flow

pytestmark = pytest.mark.django_db


def start_url(slug: str) -> str:
    return f"/api/v1/chat/{slug}/conversations/?wait=0"


def messages_url(conversation_id) -> str:
    return f"/api/v1/chat/conversations/{conversation_id}/messages/?wait=0"


def client_ip() -> str:
    """An address of the test's own, so throttle counters in a shared Redis never carry over between tests."""
    n = uuid.uuid4().int
    return f"10.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 1}"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    return body["error"]


@contextlib.contextmanager
def stores_nothing():
    before = row_counts()
    yield
    assert row_counts() == before


@pytest.fixture
def chat(db):
    return APIClient(REMOTE_ADDR=client_ip())


@pytest.fixture
def flow(db):
    return published_flow("greeting", slug="greet")


class Started:
    def __init__(self, flow, **kwargs):
        self.conversation, self.token, self.run = actions.start_conversation(flow, **kwargs)
        self.id = self.conversation.pk
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


@pytest.fixture
def started(flow):
    """A conversation as the chat API started it (its first turn is queued; no worker runs in these tests)."""
    return Started(flow)


# Starting a conversation.


def test_malformed_json_when_starting(chat, flow):
    with stores_nothing():
        response = chat.post(start_url("greet"), '{"variables": {', content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["message"].startswith("JSON parse error")


def test_unknown_flow_slug(chat):
    with stores_nothing():
        response = chat.post(start_url("no-such-flow"), {}, format="json")
    error = assert_error(response, 404, "flow_not_found")
    assert "no-such-flow" in error["message"]


def test_a_flow_that_was_never_published(chat):
    draft = FlowFactory(slug="draft-only")
    actions.save_flow(draft, graph=load_graph("greeting"))
    with stores_nothing():
        response = chat.post(start_url("draft-only"), {}, format="json")
    error = assert_error(response, 404, "flow_not_published")
    assert error["message"] == "The flow 'draft-only' has not been published."


@pytest.mark.parametrize("variables", ["name=Ada", ["Ada"], 42, True, None])
def test_variables_that_are_not_an_object(chat, flow, variables):
    with stores_nothing():
        response = chat.post(start_url("greet"), {"variables": variables}, format="json")
    error = assert_error(response, 400, "invalid")
    assert error["message"].startswith("variables: ")
    assert list(error["fields"]) == ["variables"]


def test_too_many_variables_and_a_bad_channel(chat, flow):
    with stores_nothing():
        response = chat.post(start_url("greet"), {"variables": {f"v{i}": i for i in range(51)}}, format="json")
        assert_error(response, 400, "invalid")
        response = chat.post(start_url("greet"), {"channel": "Web Widget!"}, format="json")
        assert list(assert_error(response, 400, "invalid")["fields"]) == ["channel"]


def test_a_good_start_is_accepted(chat, flow):
    response = chat.post(start_url("greet"), {"variables": {"plan": "pro"}, "channel": "web"}, format="json")
    assert response.status_code == 202, response.content  # wait=0, and no worker: the reply is pending
    body = response.json()
    assert body["status"] == "pending" and body["token"]
    conversation = Conversation.objects.get(pk=body["id"])
    assert (conversation.variables, conversation.channel, conversation.version.number) == ({"plan": "pro"}, "web", 1)


# Sending a message.


def test_malformed_json_when_sending(chat, started):
    with stores_nothing():
        response = chat.post(messages_url(started.id), '{"text": "hi"', content_type="application/json", **started.auth)
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize("body", ["[1, 2]", '"hello"', "null", "7"])
def test_a_body_that_is_not_an_object(chat, started, body):
    with stores_nothing():
        response = chat.post(messages_url(started.id), body, content_type="application/json", **started.auth)
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": ""},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no-header", "empty", "bearer-without-token", "token-scheme", "basic"],
)
def test_a_missing_token(chat, started, headers):
    with stores_nothing():
        post = chat.post(messages_url(started.id), {"text": "hi"}, format="json", **headers)
        get = chat.get(messages_url(started.id), **headers)
    error = assert_error(post, 401, "not_authenticated")
    assert "Authorization: Bearer" in error["message"]
    assert_error(get, 401, "not_authenticated")


def test_a_wrong_token_or_another_conversations_token(chat, flow, started):
    other = Started(flow)
    wrong = [
        (started.id, {"HTTP_AUTHORIZATION": "Bearer not-the-token"}),
        (started.id, {"HTTP_AUTHORIZATION": f"Bearer {started.token}x"}),
        (started.id, other.auth),
        (other.id, started.auth),
        (uuid.uuid4(), started.auth),
    ]
    with stores_nothing():
        for conversation_id, headers in wrong:
            post = chat.post(messages_url(conversation_id), {"text": "hi"}, format="json", **headers)
            assert_error(post, 401, "invalid_token")
            assert_error(chat.get(messages_url(conversation_id), **headers), 401, "invalid_token")
    # The right token still works.
    assert chat.get(messages_url(started.id), **started.auth).status_code == 200


def test_a_token_is_case_sensitive_but_the_scheme_is_not(chat, started):
    with stores_nothing():
        swapped = started.token.swapcase()
        if swapped != started.token:
            response = chat.get(messages_url(started.id), HTTP_AUTHORIZATION=f"Bearer {swapped}")
            assert_error(response, 401, "invalid_token")
    assert chat.get(messages_url(started.id), HTTP_AUTHORIZATION=f"bearer {started.token}").status_code == 200


@pytest.mark.parametrize("status", [Conversation.Status.ENDED, Conversation.Status.FAILED])
def test_a_message_to_a_closed_conversation_is_a_conflict(chat, started, status):
    Conversation.objects.filter(pk=started.id).update(status=status)
    with stores_nothing():
        response = chat.post(messages_url(started.id), {"text": "hello?"}, format="json", **started.auth)
    error = assert_error(response, 409, "conversation_closed")
    assert error["message"] == f"This conversation has {status}; start a new one."


def test_text_longer_than_the_limit(chat, started, settings):
    assert settings.CHAT_MAX_TEXT == 4000
    with stores_nothing():
        response = chat.post(messages_url(started.id), {"text": "x" * 4001}, format="json", **started.auth)
    error = assert_error(response, 400, "invalid")
    assert error["message"] == "text: Ensure this field has no more than 4000 characters."
    assert list(error["fields"]) == ["text"]


def test_text_of_exactly_the_limit_is_accepted(chat, started):
    response = chat.post(messages_url(started.id), {"text": "x" * 4000}, format="json", **started.auth)
    assert response.status_code == 202, response.content
    assert Message.objects.get(conversation=started.conversation, direction="in").text == "x" * 4000


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {"text": "\n\t "}, {}, {"text": None}])
def test_blank_or_missing_text(chat, started, body):
    with stores_nothing():
        response = chat.post(messages_url(started.id), body, format="json", **started.auth)
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["text"]


@pytest.mark.parametrize("body", [{"text": {"a": 1}}, {"text": ["hi"]}, {"text": "hi", "client_message_id": "m" * 101}])
def test_text_or_message_id_of_the_wrong_kind(chat, started, body):
    with stores_nothing():
        response = chat.post(messages_url(started.id), body, format="json", **started.auth)
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("text", [42, 4.5, True, 0])
def test_text_that_is_not_a_string_is_refused_not_coerced(chat, started, text):
    with stores_nothing():
        response = chat.post(messages_url(started.id), {"text": text}, format="json", **started.auth)
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"text": ["Not a valid string."]}


BAD_WAITS = ["abc", "999", "-1", "30.5", "nan", "inf", ""]


@pytest.mark.parametrize("wait", BAD_WAITS)
def test_a_wait_that_is_not_0_to_30_seconds_is_refused_before_anything_is_stored(chat, flow, started, wait):
    url = f"/api/v1/chat/conversations/{started.id}/messages/?wait={wait}"
    with stores_nothing():
        sent = chat.post(url, {"text": "Ada", "client_message_id": "m1"}, format="json", **started.auth)
        begun = chat.post(f"/api/v1/chat/greet/conversations/?wait={wait}", {}, format="json")
        polled = chat.get(f"/api/v1/chat/conversations/{started.id}/runs/{started.run.pk}/?wait={wait}", **started.auth)
    for response in (sent, begun, polled):
        error = assert_error(response, 400, "invalid")
        assert list(error["fields"]) == ["wait"]
        assert "from 0 to 30" in error["message"]


@pytest.mark.parametrize("wait", ["0", "0.0", "0.2"])
def test_a_wait_from_0_to_30_is_accepted(chat, started, wait):
    response = chat.get(f"/api/v1/chat/conversations/{started.id}/runs/{started.run.pk}/?wait={wait}", **started.auth)
    # No worker runs here: the turn stays queued, so the answer is 202 after waiting (at most) `wait` seconds.
    assert response.status_code == 202, response.content


def test_the_longest_wait_is_30_seconds_inclusive():
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from flows.api.chat import _wait_s

    assert _wait_s(Request(APIRequestFactory().get("/?wait=30"))) == 30.0
    assert _wait_s(Request(APIRequestFactory().get("/?wait=1e1"))) == 10.0


def test_a_preview_with_a_bad_wait_starts_nothing(editor_client, flow):
    with stores_nothing():
        response = editor_client.post(f"/api/v1/flows/{flow.pk}/preview/?wait=abc")
    assert_error(response, 400, "invalid")


def test_a_repeated_client_message_id_stores_one_message(chat, started):
    first = chat.post(
        messages_url(started.id), {"text": "Ada", "client_message_id": "m1"}, format="json", **started.auth
    )
    assert first.status_code == 202
    with stores_nothing():
        again = chat.post(
            messages_url(started.id), {"text": "Ada", "client_message_id": "m1"}, format="json", **started.auth
        )
    assert again.json()["run_id"] == first.json()["run_id"]
    assert Message.objects.filter(conversation=started.conversation, client_message_id="m1").count() == 1


def test_the_reply_of_another_conversations_run_is_not_found(chat, flow, started):
    other = Started(flow)
    response = chat.get(f"/api/v1/chat/conversations/{started.id}/runs/{other.run.pk}/", **started.auth)
    assert_error(response, 404, "not_found")


def test_chat_errors_are_json_even_for_a_bad_method(chat, started):
    response = chat.delete(messages_url(started.id), **started.auth)
    assert_error(response, 405, "method_not_allowed")


# Throttling.


@pytest.fixture
def rates(monkeypatch, settings):
    def set_rates(**overrides: str) -> None:
        current = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": current}
        # DRF copies the rates into SimpleRateThrottle.THROTTLE_RATES when it is imported, so a settings
        # override alone never reaches the throttles: set the class attribute too (monkeypatch restores it).
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", current)

    return set_rates


def assert_throttled(response) -> None:
    error = assert_error(response, 429, "throttled")
    assert error["message"].startswith("Request was throttled.")
    assert 0 < error["retry_after_s"] <= 60
    assert 0 < int(response["Retry-After"]) <= 60


def test_starting_too_many_conversations_from_one_address(chat, flow, rates):
    rates(chat_start_ip="2/min")
    for _ in range(2):
        assert chat.post(start_url("greet"), {}, format="json").status_code == 202
    with stores_nothing():
        assert_throttled(chat.post(start_url("greet"), {}, format="json"))
    # Another address is counted apart.
    assert APIClient(REMOTE_ADDR=client_ip()).post(start_url("greet"), {}, format="json").status_code == 202


def test_a_forged_forwarded_for_header_does_not_reset_the_count(chat, flow, rates):
    rates(chat_start_ip="2/min")
    for i in range(2):
        response = chat.post(start_url("greet"), {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert response.status_code == 202
    with stores_nothing():
        assert_throttled(chat.post(start_url("greet"), {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_too_many_messages_to_one_conversation(chat, flow, started, rates):
    rates(chat_conversation="3/min", chat_ip="100/min")
    for i in range(3):
        response = chat.post(messages_url(started.id), {"text": f"m{i}"}, format="json", **started.auth)
        assert response.status_code == 202, response.content
    with stores_nothing():
        assert_throttled(chat.post(messages_url(started.id), {"text": "one more"}, format="json", **started.auth))
    # Reading the transcript, and another conversation from the same address, are not held back.
    assert chat.get(messages_url(started.id), **started.auth).status_code == 200
    other = Started(flow)
    assert chat.post(messages_url(other.id), {"text": "hi"}, format="json", **other.auth).status_code == 202


def test_too_many_requests_from_one_address(chat, flow, rates):
    rates(chat_ip="3/min", chat_conversation="100/min")
    first, second = Started(flow), Started(flow)
    assert chat.post(messages_url(first.id), {"text": "a"}, format="json", **first.auth).status_code == 202
    assert chat.get(messages_url(first.id), **first.auth).status_code == 200
    assert chat.post(messages_url(second.id), {"text": "b"}, format="json", **second.auth).status_code == 202
    with stores_nothing():
        assert_throttled(chat.post(messages_url(second.id), {"text": "c"}, format="json", **second.auth))
        assert_throttled(chat.get(messages_url(first.id), **first.auth))


# CORS: widgets on other sites may call the chat API, not the builder API.

ORIGIN = "https://shop.example.com"


def test_chat_responses_allow_other_origins(chat, flow, started):
    response = chat.post(start_url("greet"), {}, format="json", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "Access-Control-Allow-Credentials" not in response

    error = chat.post(start_url("no-such-flow"), {}, format="json", HTTP_ORIGIN=ORIGIN)
    assert error.status_code == 404
    assert error["Access-Control-Allow-Origin"] in ("*", ORIGIN)

    transcript = chat.get(messages_url(started.id), HTTP_ORIGIN=ORIGIN, **started.auth)
    assert transcript["Access-Control-Allow-Origin"] in ("*", ORIGIN)


def test_a_preflight_for_sending_a_message_allows_the_bearer_header(chat, started):
    response = chat.options(
        messages_url(started.id),
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()


def test_the_builder_api_does_not_allow_other_origins(editor_client):
    response = editor_client.get("/api/v1/flows/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = editor_client.options("/api/v1/flows/", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Origin" not in editor_client.get("/api/v1/node-types/", HTTP_ORIGIN=ORIGIN)


# End to end, with the worker answering.


def http_start(live, slug: str) -> dict:
    response = requests.post(f"{live.url}/api/v1/chat/{slug}/conversations/", json={}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def http_say(live, conversation: dict, text: str, client_message_id: str | None = None) -> requests.Response:
    return requests.post(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
        json={"text": text, "client_message_id": client_message_id},
        headers={"Authorization": f"Bearer {conversation['token']}"},
        timeout=30,
    )


def live_counts() -> tuple[int, int]:
    return Message.objects.count(), Run.objects.count()


@pytest.mark.e2e
def test_a_repeated_client_message_id_returns_the_original_reply(live):
    published_flow("greeting", slug="greet-again")
    conversation = http_start(live, "greet-again")
    first = http_say(live, conversation, "Ada", "msg-1")
    assert first.status_code == 200, first.text
    assert [m["text"] for m in first.json()["messages"]] == ["Nice to meet you, Ada.", "Say anything, Ada."]
    counts = live_counts()

    again = http_say(live, conversation, "Ada", "msg-1")
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    # Even with other text: the id is what makes it the same message.
    changed = http_say(live, conversation, "Bob", "msg-1")
    assert changed.json() == first.json()
    assert live_counts() == counts
    assert Message.objects.filter(direction="in", conversation_id=conversation["id"]).count() == 1

    # A new id is a new message.
    assert [m["text"] for m in http_say(live, conversation, "hi", "msg-2").json()["messages"]] == [
        "You said: hi",
        "And now?",
    ]


@pytest.mark.e2e
def test_after_the_flow_ends_a_new_message_is_refused_but_a_retry_gets_its_reply(live):
    published_flow(load_graph("ask_then_end"), slug="short")
    conversation = http_start(live, "short")
    assert [m["text"] for m in conversation["messages"]] == ["Your name?"]
    last = http_say(live, conversation, "Ada", "last")
    assert last.status_code == 200, last.text
    assert last.json()["status"] == "ended"
    assert last.json()["input"] is None
    assert [m["text"] for m in last.json()["messages"]] == ["Goodbye, Ada."]
    counts = live_counts()

    refused = http_say(live, conversation, "hello?", "after")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conversation_closed"
    assert refused.json()["error"]["message"] == "This conversation has ended; start a new one."
    assert http_say(live, conversation, "Ada", "last").json() == last.json()

    broken = requests.post(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
        data="{oops",
        headers={"Authorization": f"Bearer {conversation['token']}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "parse_error"
    assert live_counts() == counts
