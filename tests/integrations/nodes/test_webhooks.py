"""`zapier`, `make`, `pabbly`: host checks, payloads, Standard Webhooks signatures, retries, replies, delivery log."""

import json
import uuid

import pytest
from werkzeug import Response

from integrations import redelivery
from integrations.models import OutboundDelivery
from integrations.services import Services
from integrations.webhooks import signing

from .support import credential, problems, run

pytestmark = pytest.mark.django_db

VARIABLES = {"name": "Ada", "email": "ada@example.com", "contact": {"plan": "pro"}, "score": 9}


@pytest.fixture
def secrets():
    """Two signing secrets, as during a rotation: the first signs, the second only verifies."""
    return [signing.new_secret(), signing.new_secret()]


@pytest.fixture
def signer(secrets):
    return credential("Zap signing", "webhook_secret", {}, {"signing_secrets": "\n".join(secrets)})


def hook(url, **data):
    return {"webhook_url": url, "retry": {"attempts": 1, "backoff_s": 0}, **data}


def received(server, index=0):
    request = server.log[index][0]
    return request, request.get_data()


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("zapier", "https://hooks.zapier.com/hooks/catch/123/abc/"),
        ("make", "https://hook.eu1.make.com/abc123"),
        ("make", "https://hook.us2.make.com/abc123"),
        ("make", "https://hook.eu1.make.celonis.com/abc123"),
        ("make", "https://hook.integromat.com/abc123"),
        ("pabbly", "https://connect.pabbly.com/workflow/sendwebhookdata/IjU3NjY"),
        ("pabbly", "https://connect.pabbly.com/webhook-listener/webhook/IjU3NjY/abc"),
        ("pabbly", "https://forms.pabbly.com/webhook/abc"),
    ],
)
def test_the_platforms_own_webhook_urls_are_accepted(platform, url):
    assert problems(platform, hook(url)) == {}


@pytest.mark.parametrize(
    ("platform", "url", "message"),
    [
        (
            "zapier",
            "https://evil.example.com/hooks/catch/1/",
            "Zapier webhook URLs look like https://hooks.zapier.com/hooks/catch/…; "
            "this one points to evil.example.com.",
        ),
        ("zapier", "https://hooks.zapier.com.evil.example/x", "this one points to hooks.zapier.com.evil.example."),
        ("zapier", "https://hook.eu1.make.com/abc", "this one points to hook.eu1.make.com."),
        ("zapier", "http://hooks.zapier.com/hooks/catch/1/", "Zapier webhook URLs use https://, not http://."),
        ("make", "https://www.make.com/en/login", "Make webhook URLs look like https://hook.eu1.make.com/…"),
        ("make", "https://hooks.zapier.com/hooks/catch/1/", "this one points to hooks.zapier.com."),
        ("pabbly", "https://www.pabbly.com/pricing", "this one points to www.pabbly.com."),
        ("pabbly", "ftp://connect.pabbly.com/x", "Give the full webhook URL from Pabbly Connect"),
        ("make", "https://127.0.0.2/hook", "this one points to 127.0.0.2."),
    ],
)
def test_other_hosts_are_refused_on_the_field_when_the_flow_is_saved(platform, url, message):
    found = problems(platform, hook(url))

    assert list(found) == ["webhook_url"]
    assert message in found["webhook_url"]


def test_the_host_is_checked_again_when_the_node_runs(svc, server, settings):
    from flows.engine import State, run_turn
    from flows.graph import analyse
    from nodes.registry import registry

    from .support import doc

    graph, _ = analyse(doc("zapier", hook(server.url_for("/hooks/catch/1/"))), registry())
    assert graph is not None
    settings.WEBHOOK_HOSTS_EXTRA = []  # say the setting changed after the flow was published

    result = run_turn(graph, State(), None, services=svc, redact=svc.redact)

    step = result.steps[1]
    assert step.handle == "error" and [m["text"] for m in result.messages] == ["Failed"]
    assert "this one points to 127.0.0.1" in step.error
    assert server.log == [] and OutboundDelivery.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"payload": "all"}, VARIABLES),
        (
            {"payload": "chosen", "variables": ["email", "contact.plan", "unknown"]},
            {"email": "ada@example.com", "contact.plan": "pro", "unknown": None},
        ),
        (
            {
                "payload": "template",
                "template": '{"customer": {"name": {{ name | tojson }}, "score": {{ score }}}, "source": "chatbot"}',
            },
            {"customer": {"name": "Ada", "score": 9}, "source": "chatbot"},
        ),
    ],
)
def test_payload_modes(svc, server, payload, expected):
    server.expect_request("/hooks/catch/1/", method="POST").respond_with_json({"status": "success"})

    turn = run("zapier", hook(server.url_for("/hooks/catch/1/"), **payload), svc, VARIABLES)

    assert turn.handle == "success", turn.error
    request, body = received(server)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(body) == expected
    assert body == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()


def test_a_template_that_renders_invalid_json_follows_error_and_sends_nothing(svc, server):
    data = hook(server.url_for("/h"), payload="template", template='{"name": "{{ name }}"}')

    turn = run("make", data, svc, {"name": 'say "hi"'})

    assert turn.handle == "error"
    assert turn.error.startswith("The payload is not valid JSON")
    assert server.log == []


def test_a_signed_delivery_verifies_on_the_receiving_side_with_the_first_secret(svc, server, secrets, signer):
    server.expect_request("/hook", method="POST").respond_with_json({"accepted": True})

    turn = run("pabbly", hook(server.url_for("/hook"), credential=signer.pk), svc, VARIABLES)

    assert turn.handle == "success", turn.error
    request, body = received(server)
    msg_id = signing.verify(secrets, request.headers, body)
    assert msg_id == turn.step.output["webhook_id"] and msg_id.startswith("msg_")
    assert signing.verify(secrets[:1], request.headers, body) == msg_id  # signed by the first secret
    with pytest.raises(signing.SignatureError):
        signing.verify(secrets[1:], request.headers, body)
    shown = json.dumps([turn.step.input, turn.step.output])
    assert secrets[0] not in shown and secrets[1] not in shown


def test_an_unsigned_delivery_still_carries_an_id_for_deduplication(svc, server):
    server.expect_request("/hook", method="POST").respond_with_data("Accepted")

    turn = run("make", hook(server.url_for("/hook")), svc, VARIABLES)

    request, _body = received(server)
    assert request.headers["webhook-id"] == turn.step.output["webhook_id"]
    assert "webhook-signature" not in request.headers


def test_a_retry_after_503_sends_the_same_id_and_bytes_and_the_delivery_is_logged(server, secrets, signer, db):
    server.expect_oneshot_request("/hook", method="POST").respond_with_data("busy", status=503)
    server.expect_request("/hook", method="POST").respond_with_json({"accepted": True})
    run_id = uuid.uuid4()

    turn = run(
        "zapier",
        hook(server.url_for("/hook"), credential=signer.pk, retry={"attempts": 3, "backoff_s": 0}),
        Services(run_id=run_id, flow_id="flow-7"),
        VARIABLES,
    )

    assert turn.handle == "success", turn.error
    (first, first_body), (second, second_body) = received(server, 0), received(server, 1)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == turn.step.output["webhook_id"]
    assert first_body == second_body
    assert signing.verify(secrets, second.headers, second_body) == first.headers["webhook-id"]
    row = OutboundDelivery.objects.get()
    assert (row.platform, row.url, row.status) == ("zapier", server.url_for("/hook"), "delivered")
    assert (row.response_status, row.attempts, row.webhook_id) == (200, 2, first.headers["webhook-id"])
    assert row.payload == VARIABLES and row.credential_id == signer.pk
    assert (row.run_id, row.flow_id, row.node_id) == (run_id, "flow-7", "call")
    assert row.latency_ms is not None and row.latency_ms > 0
    assert json.loads(row.response_excerpt) == {"accepted": True}
    assert turn.step.output["delivery_id"] == row.pk


def test_makes_json_reply_is_mapped_into_variables(svc, server):
    server.expect_request("/hook", method="POST").respond_with_json(
        {"ticket": {"id": "T-1001", "eta_days": "3"}, "queue": ["support"]}
    )
    data = hook(
        server.url_for("/hook"),
        payload="chosen",
        variables=["email"],
        mapping=[
            {"variable": "ticket_id", "path": "ticket.id"},
            {"variable": "eta", "path": "ticket.eta_days", "cast": "number"},
        ],
        save_as="make_reply",
    )

    turn = run("make", data, svc, VARIABLES)

    assert turn.handle == "success", turn.error
    assert turn.variables["ticket_id"] == "T-1001" and turn.variables["eta"] == 3
    assert turn.variables["make_reply"]["status"] == 200
    assert turn.variables["make_reply"]["body"]["queue"] == ["support"]


def test_a_failed_delivery_follows_error_and_is_logged_as_failed(svc, server):
    server.expect_request("/hook", method="POST").respond_with_data("Scenario is off", status=410)

    turn = run("make", hook(server.url_for("/hook")), svc, VARIABLES)

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == "POST 127.0.0.1 answered 410 Gone after 1 attempt: Scenario is off"
    row = OutboundDelivery.objects.get()
    assert (row.status, row.response_status, row.attempts) == ("failed", 410, 1)
    assert row.error == turn.error and row.response_excerpt == "Scenario is off"


def test_an_unreachable_platform_is_logged_with_the_reason(svc, closed_port):
    turn = run("pabbly", hook(f"http://127.0.0.1:{closed_port}/hook", retry={"attempts": 2, "backoff_s": 0}), svc)

    assert turn.handle == "error"
    assert turn.error.startswith("The delivery to 127.0.0.1 failed: Could not connect to 127.0.0.1")
    row = OutboundDelivery.objects.get()
    assert (row.status, row.response_status, row.attempts) == ("failed", None, 2)
    assert row.error == turn.error


def test_redelivery_sends_the_stored_payload_again_under_the_same_id(svc, server, secrets, signer):
    server.expect_request("/hook", method="POST").respond_with_json({"ok": True})
    turn = run("zapier", hook(server.url_for("/hook"), credential=signer.pk), svc, VARIABLES)
    original = OutboundDelivery.objects.get(pk=turn.step.output["delivery_id"])

    again = redelivery.redeliver(original.pk)

    first, first_body = received(server, 0)
    second, second_body = received(server, 1)
    assert second_body == first_body
    assert signing.verify(secrets, second.headers, second_body) == original.webhook_id
    assert again.pk != original.pk and again.redelivery_of_id == original.pk
    assert (again.webhook_id, again.status, again.response_status) == (original.webhook_id, "delivered", 200)
    assert (again.platform, again.url, again.payload) == (original.platform, original.url, original.payload)


def test_redelivery_to_a_host_no_longer_allowed_is_logged_as_failed(svc, server, settings):
    server.expect_request("/hook", method="POST").respond_with_json({"ok": True})
    turn = run("make", hook(server.url_for("/hook")), svc, VARIABLES)
    settings.WEBHOOK_HOSTS_EXTRA = []

    again = redelivery.redeliver(turn.step.output["delivery_id"])

    assert again.status == "failed" and again.attempts == 0
    assert "this one points to 127.0.0.1" in again.error
    assert len(server.log) == 1


def test_the_reply_handler_sees_each_delivery_once_by_id(svc, server, secrets, signer):
    """A receiver that drops duplicate ids, as Standard Webhooks asks: the retry after a lost answer is dropped."""
    seen: list[str] = []

    def receiver(request):
        msg_id = signing.verify(secrets, request.headers, request.get_data())
        duplicate = msg_id in seen
        seen.append(msg_id)
        if len(seen) == 1:
            return Response("lost", status=502)  # processed, but the answer never made it back
        return Response(json.dumps({"duplicate": duplicate}), content_type="application/json")

    server.expect_request("/hook", method="POST").respond_with_handler(receiver)

    turn = run(
        "zapier",
        hook(server.url_for("/hook"), credential=signer.pk, retry={"attempts": 2, "backoff_s": 0}, save_as="reply"),
        svc,
        VARIABLES,
    )

    assert turn.handle == "success"
    assert seen == [turn.step.output["webhook_id"]] * 2
    assert turn.variables["reply"]["body"] == {"duplicate": True}


def test_payload_settings_are_checked_when_the_flow_is_saved():
    url = "https://hooks.zapier.com/hooks/catch/1/abc/"

    assert problems("zapier", hook(url, payload="chosen")) == {"variables": "Choose at least one variable to send."}
    assert problems("zapier", hook(url, payload="template")) == {
        "template": 'Write the JSON to send, e.g. {"email": {{ email | tojson }}}.'
    }
    assert problems("zapier", hook(url, payload="template", template='{"a": 1')) == {
        "template": "The payload is not valid JSON (Expecting ',' delimiter at line 1 column 8). "
        "To put a text variable inside JSON, write {{ name | tojson }}."
    }
    assert problems("zapier", hook(url, payload="template", template='{"a": {{ a }}}')) == {}
    assert problems("zapier", hook(url, variables=["bad name"])) == {
        "variables.0": "String should match pattern '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$'"
    }
