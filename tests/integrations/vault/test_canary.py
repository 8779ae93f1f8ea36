"""A canary secret sent to a server that echoes it back never shows in a step, a run's error, or a log record."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict

import pytest
from werkzeug import Request, Response

from flows import actions, tasks
from flows.engine import State, run_turn
from flows.graph import analyse, errors
from flows.models import Run
from integrations.models import CredentialEvent
from integrations.services import Services
from nodes.registry import build, registry
from tests.factories import published_flow
from tests.support.graphs import edge, node

from .conftest import make_credential

pytestmark = pytest.mark.django_db

ECHO_NODE = "tests.integrations.vault.nodes.EchoSecret"


def echo(request: Request) -> Response:
    """Everything the request carried, as JSON: headers, query and body."""
    body = {"headers": dict(request.headers), "query": request.args.to_dict(), "body": request.get_data(as_text=True)}
    return Response(json.dumps(body), content_type="application/json")


def graph_doc(credential_id: int, *, catch: bool = False) -> dict:
    """call -> copy -> say -> fail; with catch, fail's error handle leads to an end, so the turn completes."""

    doc = {
        "nodes": [
            node("start", "start"),
            node("call", ECHO_NODE_KEY, credential=credential_id),
            node("copy", "set_variable", variable="copied", value="{{ echo }}"),
            node("say", "message", text="The server saw {{ echo.body }}"),
            node("fail", ECHO_NODE_KEY, credential=credential_id, fail=True),
        ],
        "edges": [
            edge("start", "next", "call"),
            edge("call", "success", "copy"),
            edge("copy", "next", "say"),
            edge("say", "next", "fail"),
        ],
    }
    if catch:
        doc["nodes"].append(node("caught", "end"))
        doc["edges"].append(edge("fail", "error", "caught"))
    return doc


ECHO_NODE_KEY = "test_echo_secret"

CASES = {
    "bearer": ({"auth_type": "bearer"}, "token"),
    "api key in the query": ({"auth_type": "api_key", "api_key_name": "api_key", "api_key_in": "query"}, "api_key"),
    "api key in a header": ({"auth_type": "api_key", "api_key_name": "X-Key", "api_key_in": "header"}, "api_key"),
    "basic": ({"auth_type": "basic", "username": "ada"}, "password"),
}


def canary_credential(base_url: str, case: str) -> tuple[int, str]:
    settings, secret_field = CASES[case]
    canary = f"canary-{uuid.uuid4().hex}"
    credential = make_credential(
        f"Canary {case}", settings={"base_url": base_url, **settings}, **{secret_field: canary}
    )
    return credential.pk, canary


def assert_no_canary(canary: str, *texts: str) -> None:
    for text in texts:
        assert canary not in text
        assert canary[7:] not in text  # not even its random part (URL-encoded, in JSON, ...)


def log_text(caplog) -> str:
    """What this process logged; werkzeug's records are the local server's (the outside world), not ours."""
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.name != "werkzeug")


def run_echo_flow(base_url: str, case: str, caplog, level: int):
    credential_id, canary = canary_credential(base_url, case)
    nodes = build([*(p for p in registry_paths() if "tests." not in p), ECHO_NODE])
    graph, problems = analyse(graph_doc(credential_id), nodes)
    assert graph is not None, errors(problems)
    services = Services(run_id=uuid.uuid4(), flow_id="1")
    with caplog.at_level(level):
        result = run_turn(graph, State("active", None, {}), None, services=services, redact=services.redact)
    return canary, result


@pytest.mark.parametrize("case", list(CASES))
def test_the_canary_never_shows_in_the_steps_the_error_or_the_log_of_a_turn(httpserver, base_url, caplog, case):
    httpserver.expect_request("/echo", method="POST").respond_with_handler(echo)

    canary, result = run_echo_flow(base_url, case, caplog, logging.INFO)

    # The server did get the secret, so the echo carried it back: the test is not vacuous.
    assert all(canary in request.get_data(as_text=True) for request, _ in httpserver.log)
    assert [s.status for s in result.steps] == ["succeeded"] * 4 + ["failed"], result.steps
    steps = json.dumps([asdict(s) for s in result.steps], default=str)
    assert "[redacted]" in steps and "The server said" in result.error
    assert_no_canary(canary, steps, result.error, log_text(caplog))


@pytest.mark.parametrize("case", CASES)
def test_the_canary_never_shows_in_debug_logs_either(httpserver, base_url, caplog, case):
    httpserver.expect_request("/echo", method="POST").respond_with_handler(echo)

    canary, _ = run_echo_flow(base_url, case, caplog, logging.DEBUG)

    assert_no_canary(canary, log_text(caplog))


def registry_paths() -> list[str]:
    from django.conf import settings

    return list(settings.NODE_TYPES)


@pytest.fixture
def echo_node_registered(settings):
    settings.NODE_TYPES = [*settings.NODE_TYPES, ECHO_NODE]
    registry.cache_clear()
    yield
    registry.cache_clear()


@pytest.mark.parametrize("catch", [False, True], ids=["turn fails", "error handle wired"])
def test_the_canary_never_shows_in_a_stored_run_its_steps_or_the_conversation(
    httpserver, base_url, caplog, echo_node_registered, catch
):
    httpserver.expect_request("/echo", method="POST").respond_with_handler(echo)
    credential_id, canary = canary_credential(base_url, "api key in the query")
    flow = published_flow(graph_doc(credential_id, catch=catch))
    conversation, _token, run = actions.start_conversation(flow)

    with caplog.at_level(logging.INFO):
        tasks.execute_run(Run.objects.select_related("conversation__version", "inbound").get(pk=run.pk))

    run.refresh_from_db()
    conversation.refresh_from_db()
    if catch:
        assert run.status == "completed" and "[redacted]" in conversation.variables["copied"]
    else:
        assert run.status == "failed" and "Echo secret (tests) (fail) failed: The server said" in run.error
    stored = json.dumps(list(run.steps.order_by("seq").values("input", "output", "error")))
    variables = json.dumps(conversation.variables)
    said = json.dumps(list(conversation.messages.values_list("text", flat=True)))
    assert "[redacted]" in stored and "The server saw" in said and "[redacted]" in said
    assert_no_canary(canary, stored, run.error, log_text(caplog), variables, said)
    used = CredentialEvent.objects.filter(action="used", run_id=run.pk).values_list("node_id", flat=True)
    assert sorted(used) == ["call", "fail"]
