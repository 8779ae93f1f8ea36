"""The catch URL: signatures and tokens, replays, freshness, and what a delivery starts or resumes."""

import json
import time
import uuid

import pytest
from rest_framework.throttling import SimpleRateThrottle

from flows import actions
from flows.models import Conversation, HookDelivery, Message, Run
from flows.tasks import execute_run
from integrations.webhooks import signing
from tests.factories import FlowFactory

from .support import (
    body_of,
    hook_path,
    make_hook,
    order_flow,
    payment_flow,
    signed,
    webhook_credential,
)

pytestmark = pytest.mark.django_db

ORDER = {"id": 4711, "total": 99.5, "customer": {"id": "cust-7", "name": "Ada"}}


def post(client, path, body: bytes, headers: dict | None = None):
    return client.post(path, data=body, content_type="application/json", headers=headers or {})


def assert_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"] and body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]["message"]


def run_queued(conversation_id) -> None:
    """What the worker does for the conversation: every queued turn, oldest first."""
    for run in Run.objects.filter(conversation_id=conversation_id, status=Run.Status.QUEUED).order_by("queued_at"):
        execute_run(run)


def bot_texts(conversation_id) -> list[str]:
    return list(
        Message.objects.filter(conversation_id=conversation_id, direction=Message.Direction.OUT)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def shop(db, secret):
    flow = order_flow()
    hook = make_hook(
        flow,
        webhook_credential(signing_secrets=[secret]),
        key="orders",
        variable="order",
        external_id_path="customer.id",
    )
    return flow, hook


# Signatures.


def test_a_signed_delivery_starts_a_conversation_whose_first_messages_render_the_payload(outsider, shop, secret):
    flow, hook = shop
    body = body_of(ORDER)
    response = post(outsider, hook_path(flow, "orders"), body, signed(secret, body, msg_id="msg_1"))
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert receipt["outcome"] == "started" and receipt["delivery_id"] == "msg_1" and not receipt["duplicate"]

    conversation = Conversation.objects.get(pk=receipt["conversation_id"])
    assert conversation.variables == {"order": ORDER}
    assert conversation.channel == "hook" and conversation.external_user_id == "cust-7"
    assert conversation.version == flow.published_version

    run_queued(conversation.pk)
    assert bot_texts(conversation.pk) == ["New order 4711 from Ada: 99.5 EUR.", "Shall we ship it, Ada?"]
    delivery = HookDelivery.objects.get(hook=hook)
    assert (delivery.delivery_id, delivery.outcome, delivery.conversation_id) == ("msg_1", "started", conversation.pk)


def test_a_tampered_body_is_refused_and_starts_nothing(outsider, shop, secret):
    flow, _ = shop
    headers = signed(secret, body_of(ORDER))
    tampered = body_of({**ORDER, "total": 0.01})
    message = assert_error(post(outsider, hook_path(flow, "orders"), tampered, headers), 401, "invalid_signature")
    assert "signature" in message
    assert not Conversation.objects.exists() and not HookDelivery.objects.exists()


def test_a_reserialised_body_is_refused(outsider, shop, secret):
    """The signature covers the exact bytes: the same JSON with other spacing and key order is another body."""
    flow, _ = shop
    headers = signed(secret, body_of(ORDER))
    same_json = json.dumps(ORDER, indent=2, sort_keys=True).encode()
    assert json.loads(same_json) == ORDER
    assert_error(post(outsider, hook_path(flow, "orders"), same_json, headers), 401, "invalid_signature")
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(("offset", "word"), [(-301 - 5, "past"), (301 + 5, "future")])
def test_stale_and_future_timestamps_are_refused(outsider, shop, secret, offset, word, settings):
    settings.HOOK_TOLERANCE_S = 301
    flow, _ = shop
    body = body_of(ORDER)
    headers = signed(secret, body, timestamp=int(time.time()) + offset)
    message = assert_error(post(outsider, hook_path(flow, "orders"), body, headers), 400, "timestamp_out_of_tolerance")
    assert word in message and "301 s" in message
    assert not Conversation.objects.exists() and not HookDelivery.objects.exists()


def test_a_timestamp_just_inside_the_tolerance_is_accepted(outsider, shop, secret, settings):
    settings.HOOK_TOLERANCE_S = 60
    flow, _ = shop
    body = body_of(ORDER)
    response = post(outsider, hook_path(flow, "orders"), body, signed(secret, body, timestamp=int(time.time()) - 50))
    assert response.status_code == 202, response.content


def test_missing_signature_headers_are_refused(outsider, shop):
    flow, _ = shop
    message = assert_error(post(outsider, hook_path(flow, "orders"), body_of(ORDER)), 401, "invalid_signature")
    assert "webhook-signature" in message


def test_a_replayed_delivery_id_starts_nothing_twice(outsider, shop, secret):
    flow, _ = shop
    body = body_of(ORDER)
    headers = signed(secret, body, msg_id="msg_replayed")
    first = post(outsider, hook_path(flow, "orders"), body, headers)
    assert first.status_code == 202, first.content

    again = post(outsider, hook_path(flow, "orders"), body, headers)
    assert again.status_code == 200, again.content
    receipt = again.json()
    assert receipt["duplicate"] is True and receipt["outcome"] == "started"
    assert receipt["conversation_id"] == first.json()["conversation_id"]
    assert "nothing was done" in receipt["detail"]

    # Re-signed with a fresh timestamp (as a sender's retry is): still the same delivery.
    resent = post(outsider, hook_path(flow, "orders"), body, signed(secret, body, msg_id="msg_replayed"))
    assert resent.status_code == 200 and resent.json()["duplicate"] is True
    assert Conversation.objects.count() == 1
    assert Run.objects.count() == 1
    assert HookDelivery.objects.count() == 1


def test_one_of_several_rotated_secrets_is_accepted(outsider, db):
    old, new, stranger = signing.new_secret(), signing.new_secret(), signing.new_secret()
    flow = order_flow()
    make_hook(flow, webhook_credential(signing_secrets=[new, "whsec_not base64!", old]), variable="order")
    body = body_of(ORDER)
    for secret in (old, new):
        response = post(outsider, hook_path(flow, "orders"), body, signed(secret, body))
        assert response.status_code == 202, response.content
    assert_error(post(outsider, hook_path(flow, "orders"), body, signed(stranger, body)), 401, "invalid_signature")
    assert Conversation.objects.count() == 2


def test_a_plain_string_secret_signs_too(outsider, db):
    flow = order_flow()
    make_hook(flow, webhook_credential(signing_secrets=["a shared secret from Pabbly"]), variable="order")
    body = body_of(ORDER)
    response = post(outsider, hook_path(flow, "orders"), body, signed("a shared secret from Pabbly", body))
    assert response.status_code == 202, response.content


# Tokens.


@pytest.fixture
def token_hook(db):
    flow = order_flow()
    hook = make_hook(flow, webhook_credential(token="tok-3f9a-secret"), auth="token", variable="order")
    return flow, hook


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer tok-3f9a-secret"}, {"X-Hook-Token": "tok-3f9a-secret"}],
    ids=["bearer", "x-hook-token"],
)
def test_the_right_token_is_accepted(outsider, token_hook, headers):
    flow, _ = token_hook
    response = post(outsider, hook_path(flow, "orders"), body_of(ORDER), headers)
    assert response.status_code == 202, response.content
    assert Conversation.objects.get().variables == {"order": ORDER}


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "Authorization: Bearer"),
        ({"Authorization": "Bearer tok-3f9a-secreT"}, "does not match"),
        ({"X-Hook-Token": "tok-3f9a"}, "does not match"),
        ({"Authorization": "Basic tok-3f9a-secret"}, "Authorization: Bearer"),
    ],
    ids=["missing", "wrong", "prefix", "not-bearer"],
)
def test_a_wrong_or_missing_token_is_refused(outsider, token_hook, headers, words):
    flow, _ = token_hook
    message = assert_error(post(outsider, hook_path(flow, "orders"), body_of(ORDER), headers), 401, "invalid_token")
    assert words in message and "tok-3f9a-secret" not in message
    assert not Conversation.objects.exists()


def test_token_deliveries_are_told_apart_by_their_id_header(outsider, token_hook):
    flow, _ = token_hook
    auth = {"Authorization": "Bearer tok-3f9a-secret"}
    path = hook_path(flow, "orders")
    assert post(outsider, path, body_of(ORDER), {**auth, "Idempotency-Key": "k-1"}).status_code == 202
    assert post(outsider, path, body_of(ORDER), {**auth, "Idempotency-Key": "k-2"}).status_code == 202
    repeat = post(outsider, path, body_of(ORDER), {**auth, "Idempotency-Key": "k-1"})
    assert repeat.status_code == 200 and repeat.json()["duplicate"] is True
    assert post(outsider, path, body_of(ORDER), {**auth, "X-Request-Id": "r-1"}).json()["delivery_id"] == "r-1"
    assert Conversation.objects.count() == 3


def test_without_an_id_header_the_same_body_is_the_same_delivery(outsider, token_hook):
    flow, _ = token_hook
    auth = {"X-Hook-Token": "tok-3f9a-secret"}
    path = hook_path(flow, "orders")
    first = post(outsider, path, body_of(ORDER), auth)
    assert first.status_code == 202 and first.json()["delivery_id"].startswith("sha256:")
    assert post(outsider, path, body_of(ORDER), auth).json()["duplicate"] is True
    assert post(outsider, path, body_of({**ORDER, "id": 4712}), auth).status_code == 202
    assert Conversation.objects.count() == 2


# What the request must be.


def test_unknown_and_disabled_hooks_are_not_found(outsider, token_hook):
    flow, hook = token_hook
    auth = {"X-Hook-Token": "tok-3f9a-secret"}
    assert_error(post(outsider, hook_path(flow, "nope"), body_of(ORDER), auth), 404, "hook_not_found")
    assert_error(post(outsider, "/api/v1/hooks/no-flow/orders/", body_of(ORDER), auth), 404, "hook_not_found")
    hook.enabled = False
    hook.save()
    assert_error(post(outsider, hook_path(flow, "orders"), body_of(ORDER), auth), 404, "hook_not_found")
    assert not Conversation.objects.exists() and not HookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty"),
        (b"order=4711&total=99.5", "not valid JSON"),
        (b'{"a": NaN}', "not valid JSON"),
        (b"\xff{}", "UTF-8"),
    ],
    ids=["empty", "form", "nan", "binary"],
)
def test_a_body_that_is_not_json_is_a_clear_400(outsider, token_hook, body, words):
    flow, _ = token_hook
    response = outsider.post(
        hook_path(flow, "orders"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Hook-Token": "tok-3f9a-secret"},
    )
    assert words in assert_error(response, 400, "invalid_payload")
    assert not Conversation.objects.exists() and not HookDelivery.objects.exists()


def test_a_body_over_the_limit_is_refused(outsider, token_hook, settings):
    settings.HOOK_MAX_BODY_BYTES = 1024
    flow, _ = token_hook
    big = body_of({"note": "x" * 2000})
    message = assert_error(
        post(outsider, hook_path(flow, "orders"), big, {"X-Hook-Token": "tok-3f9a-secret"}), 413, "payload_too_large"
    )
    assert "1 KiB" in message
    assert not Conversation.objects.exists()


def test_only_post_is_allowed(outsider, token_hook):
    flow, _ = token_hook
    assert_error(outsider.get(hook_path(flow, "orders")), 405, "method_not_allowed")


def test_an_unpublished_flow_refuses_and_remembers_nothing(outsider, db):
    flow = FlowFactory(slug="draft-only")
    make_hook(flow, webhook_credential(token="t-123456"), auth="token")
    auth = {"X-Hook-Token": "t-123456", "Idempotency-Key": "k"}
    assert_error(post(outsider, hook_path(flow, "orders"), body_of(ORDER), auth), 404, "flow_not_published")
    assert not HookDelivery.objects.exists()  # so the sender's retry works once the flow is published


def test_a_missing_external_id_is_a_clear_400(outsider, shop, secret):
    flow, _ = shop
    body = body_of({"id": 1, "customer": {"name": "no id"}})
    message = assert_error(
        post(outsider, hook_path(flow, "orders"), body, signed(secret, body)), 400, "missing_external_id"
    )
    assert "'customer.id'" in message
    assert not Conversation.objects.exists()


def test_a_credential_without_a_token_is_a_503_for_the_sender_to_retry(outsider, db):
    flow = order_flow()
    make_hook(flow, webhook_credential(signing_secrets=[signing.new_secret()]), auth="token")
    message = assert_error(
        post(outsider, hook_path(flow, "orders"), body_of(ORDER), {"X-Hook-Token": "x"}), 503, "hook_not_configured"
    )
    assert "no token" in message


# Resuming a conversation waiting at a wait_webhook node.


@pytest.fixture
def paying(db, secret):
    """A conversation waiting at the wait_webhook node for hook 'paid', for external id cust-7."""
    flow = payment_flow()
    make_hook(
        flow,
        webhook_credential(signing_secrets=[secret]),
        key="paid",
        action="resume",
        external_id_path="customer.id",
        variable="paid_hook",
    )
    conversation, _token, _run = actions.start_conversation(flow, external_user_id="cust-7")
    run_queued(conversation.pk)
    actions.post_message(conversation, "A-100", "m1")
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.awaiting == {"type": "webhook", "choices": None, "hook": "paid", "node_id": "wait"}
    return flow, conversation


PAYMENT = {"customer": {"id": "cust-7"}, "amount": 12.5, "currency": "EUR"}


def test_a_delivery_resumes_the_conversation_waiting_for_it(outsider, paying, secret):
    flow, conversation = paying
    body = body_of(PAYMENT)
    response = post(outsider, hook_path(flow, "paid"), body, signed(secret, body, msg_id="pay_1"))
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert (receipt["outcome"], receipt["conversation_id"]) == ("resumed", str(conversation.pk))

    run = Run.objects.get(conversation=conversation, trigger=Run.Trigger.HOOK)
    assert run.status == Run.Status.QUEUED and run.inbound.text == "" and run.inbound.payload["payload"] == PAYMENT
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk)[-2:] == ["Received 12.5 EUR for A-100, thanks!", "Anything else?"]
    conversation.refresh_from_db()
    assert conversation.variables["payment"] == PAYMENT
    step = run.steps.get(node_id="wait")
    assert step.input["hook"] == {"key": "paid", "payload": PAYMENT} and step.handle == "next"

    # The same payment again: already seen, and the conversation is not resumed twice.
    again = post(outsider, hook_path(flow, "paid"), body, signed(secret, body, msg_id="pay_1"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Run.objects.filter(conversation=conversation, trigger=Run.Trigger.HOOK).count() == 1


def test_a_delivery_for_nobody_waiting_is_accepted_as_ignored(outsider, paying, secret):
    flow, conversation = paying
    body = body_of({**PAYMENT, "customer": {"id": "cust-8"}})
    response = post(outsider, hook_path(flow, "paid"), body, signed(secret, body))
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert receipt["outcome"] == "ignored" and receipt["conversation_id"] is None
    assert "'cust-8'" in receipt["detail"]
    assert not Run.objects.filter(trigger=Run.Trigger.HOOK).exists()
    assert HookDelivery.objects.get().outcome == "ignored"


def test_a_second_payment_while_the_first_is_queued_is_ignored(outsider, paying, secret):
    flow, conversation = paying
    for n in (1, 2):
        body = body_of({**PAYMENT, "amount": n})
        response = post(outsider, hook_path(flow, "paid"), body, signed(secret, body))
        assert response.status_code == 202
    assert response.json()["outcome"] == "ignored"
    assert "already being resumed" in response.json()["detail"]
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk)[-2] == "Received 1 EUR for A-100, thanks!"


def test_a_hook_run_finding_the_conversation_moved_on_answers_nothing(outsider, paying, secret):
    """A hook-triggered turn must never be taken as the answer to a question the flow has moved on to."""
    flow, conversation = paying
    body = body_of(PAYMENT)
    assert post(outsider, hook_path(flow, "paid"), body, signed(secret, body)).status_code == 202
    hook_run = Run.objects.get(trigger=Run.Trigger.HOOK)
    # Meanwhile the conversation moved on to a question (say an editor's test moved it): the queued turn is stale.
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_node="more", awaiting={"type": "text", "choices": None, "node_id": "more"}
    )
    before = bot_texts(conversation.pk)
    run_queued(conversation.pk)
    hook_run.refresh_from_db()
    assert hook_run.status == Run.Status.SKIPPED and "no longer waits for the hook 'paid'" in hook_run.error
    assert bot_texts(conversation.pk) == before


def test_a_chat_message_at_the_wait_node_keeps_it_waiting_silently(paying):
    _flow, conversation = paying
    before = bot_texts(conversation.pk)
    actions.post_message(conversation, "hello? did it work?", "m2")
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.waiting_node == "wait" and conversation.awaiting["hook"] == "paid"
    assert bot_texts(conversation.pk) == before


# Throttling, as the chat API does it.


@pytest.fixture
def rates(monkeypatch, settings):
    def set_rates(**overrides: str) -> None:
        current = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": current}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", current)

    return set_rates


def test_too_many_deliveries_to_one_hook_are_throttled(outsider, rates):
    rates(hook="2/min")
    slug = f"busy-{uuid.uuid4().hex[:8]}"  # throttle counters live in the shared Redis: a catch URL of its own
    flow = order_flow(slug=slug)
    make_hook(flow, webhook_credential(token="t-busy-1"), auth="token", variable="order")
    auth = {"X-Hook-Token": "t-busy-1"}
    for n in range(2):
        assert post(outsider, hook_path(flow, "orders"), body_of({"n": n}), auth).status_code == 202
    response = post(outsider, hook_path(flow, "orders"), body_of({"n": 3}), auth)
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert Conversation.objects.count() == 2
