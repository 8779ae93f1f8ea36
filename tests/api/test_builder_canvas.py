"""The builder endpoints the canvas uses: preview a draft, restore a version, duplicate, export and import."""

import json
import time
from typing import cast

import pytest
import requests
import websocket
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from flows import actions
from flows.models import Conversation, Flow, FlowVersion
from tests.api.conftest import row_counts
from tests.e2e.helpers import auth, say, texts
from tests.factories import EditorFactory, FlowFactory, UserFactory, load_graph, published_flow

pytestmark = pytest.mark.django_db

FLOWS = "/api/v1/flows/"


def flow_url(flow, suffix: str = "") -> str:
    return f"{FLOWS}{flow.pk}/{suffix}"


def draft(graph: dict | str = "greeting", **kwargs) -> Flow:
    """A flow whose draft holds the graph (or the named fixture), never published."""
    flow = cast(Flow, FlowFactory(**kwargs))
    actions.save_flow(flow, graph=load_graph(graph) if isinstance(graph, str) else graph)
    return flow


def with_message(graph: dict, node_id: str, text: str) -> dict:
    out = json.loads(json.dumps(graph))
    for node in out["nodes"]:
        if node["id"] == node_id:
            node["data"]["text"] = text
    return out


# Who may use them.


def canvas_requests(flow) -> list[tuple[str, str, dict | None]]:
    doc = {"format": "flowbuilder/flow", "spec_version": 1, "name": "Sneaky", "graph": load_graph("greeting")}
    return [
        ("post", flow_url(flow, "preview/"), {}),
        ("post", flow_url(flow, "versions/1/restore/"), None),
        ("post", flow_url(flow, "duplicate/"), None),
        ("get", flow_url(flow, "export/"), None),
        ("post", f"{FLOWS}import/", doc),
    ]


@pytest.mark.parametrize("who", ["anonymous", "not an editor", "a non-editor's token"])
def test_only_editors_may_preview_restore_duplicate_export_or_import(who):
    flow = published_flow("greeting", slug="greet")
    client = APIClient()
    if who == "not an editor":
        client.force_login(UserFactory())
    elif who == "a non-editor's token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")
    before, flows = row_counts(), Flow.objects.count()
    for method, url, body in canvas_requests(flow):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in (401, 403), (who, url, response.status_code)
        assert set(response.json()["error"]) >= {"code", "message"}
        assert "graph" not in response.json()
    assert (row_counts(), Flow.objects.count()) == (before, flows)


def test_unsafe_requests_with_a_session_need_the_csrf_token(editor):
    flow = draft()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    for url in (flow_url(flow, "preview/"), flow_url(flow, "duplicate/")):
        response = client.post(url, {}, format="json")
        assert response.status_code == 403, url
        assert "CSRF" in response.json()["error"]["message"]
    assert Conversation.objects.count() == 0 and Flow.objects.count() == 1


# Preview.


def test_preview_starts_a_conversation_on_a_snapshot_of_the_draft_without_publishing_it(editor_client, editor):
    flow = draft(slug="unpublished")
    before = row_counts()
    response = editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json")
    assert response.status_code in (201, 202), response.content
    body = response.json()
    assert set(body) >= {"id", "token", "status", "messages", "input", "run_id"}

    conversation = Conversation.objects.get(pk=body["id"])
    assert conversation.channel == "preview"
    assert conversation.flow_id == flow.pk
    assert actions.token_matches(conversation, body["token"])
    snapshot = conversation.version
    assert (snapshot.is_preview, snapshot.number, snapshot.published_by) == (True, 0, editor)
    assert snapshot.graph == flow.graph
    assert row_counts() == {
        **before,
        "FlowVersion": before["FlowVersion"] + 1,
        "Conversation": before["Conversation"] + 1,
        "Run": before["Run"] + 1,
    }

    # Still unpublished, for editors and for chat clients alike.
    assert editor_client.get(flow_url(flow)).json()["published_version"] is None
    assert [f["published_version"] for f in editor_client.get(FLOWS).json()] == [None]
    assert editor_client.get(flow_url(flow, "versions/")).json() == []
    assert editor_client.get(flow_url(flow, "versions/0/")).status_code == 404
    refused = APIClient().post("/api/v1/chat/unpublished/conversations/?wait=0", {}, format="json")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "flow_not_published"

    # The conversations list says which ones are previews.
    listed = editor_client.get(flow_url(flow, "conversations/")).json()
    assert [(c["id"], c["version"], c["preview"]) for c in listed] == [(body["id"], 0, True)]

    # Publishing afterwards still makes version 1.
    published = editor_client.post(flow_url(flow, "publish/"))
    assert published.status_code == 201 and published.json()["number"] == 1


def test_preview_refuses_a_draft_with_errors_and_stores_nothing(editor_client):
    flow = draft("broken")
    before = row_counts()
    response = editor_client.post(flow_url(flow, "preview/"), {}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "graph_has_problems"
    assert error["message"] == "The flow has problems; fix them before previewing it."
    assert {(p["node_id"], p["field"]) for p in error["problems"]} >= {("greet", "text"), ("pick", "choices")}
    assert row_counts() == before


def test_an_unchanged_draft_reuses_its_snapshot_and_a_changed_one_gets_a_new_one(editor_client):
    flow = draft()
    first = editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json").json()
    second = editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json").json()
    old = Conversation.objects.get(pk=first["id"]).version
    assert Conversation.objects.get(pk=second["id"]).version_id == old.pk

    changed = with_message(flow.graph, "hello", "Hello from the new draft.")
    assert editor_client.patch(flow_url(flow), {"graph": changed}, format="json").status_code == 200
    third = editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json").json()
    new = Conversation.objects.get(pk=third["id"]).version
    assert new.pk != old.pk and new.is_preview and new.number == 0
    # A running preview stays on the snapshot it started on.
    old.refresh_from_db()
    assert next(n for n in old.graph["nodes"] if n["id"] == "hello")["data"]["text"] == "Hello! I'm a test bot."
    assert Conversation.objects.get(pk=first["id"]).version_id == old.pk


def test_previewing_a_changed_draft_of_a_published_flow_leaves_clients_on_the_published_version(editor_client):
    flow = published_flow("greeting", slug="live-one")
    changed = with_message(flow.graph, "hello", "Draft greeting.")
    editor_client.patch(flow_url(flow), {"graph": changed}, format="json")
    preview = editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json")
    assert preview.status_code in (201, 202)

    started = APIClient().post("/api/v1/chat/live-one/conversations/?wait=0", {}, format="json")
    assert started.status_code in (201, 202), started.content
    version = Conversation.objects.get(pk=started.json()["id"]).version
    assert (version.number, version.is_preview) == (1, False)
    assert editor_client.get(flow_url(flow)).json()["published_version"] == 1
    assert [v["number"] for v in editor_client.get(flow_url(flow, "versions/")).json()] == [1]
    assert editor_client.post(flow_url(flow, "publish/")).json()["number"] == 2


@pytest.mark.e2e
def test_a_preview_runs_on_the_worker_and_streams_its_steps_on_the_flows_trace_socket(live):
    """The whole path the canvas takes: preview, chat with the token, watch the trace socket."""
    flow = draft(slug="not-yet-live")
    key = Token.objects.create(user=EditorFactory()).key
    socket_url = live.url.replace("http://", "ws://") + f"/ws/flows/{flow.pk}/traces/?token={key}"
    sock = websocket.create_connection(socket_url, timeout=10)
    try:
        response = requests.post(
            f"{live.url}{flow_url(flow, 'preview/')}", json={}, headers={"Authorization": f"Token {key}"}, timeout=30
        )
        assert response.status_code == 201, response.text
        conversation = response.json()
        assert texts(conversation) == ["Hello! I'm a test bot.", "What's your name?"]
        assert conversation["input"] == {"type": "text", "choices": None, "node_id": "ask"}
        events = receive_until(sock, lambda e: e["event"] == "run.finished")
        assert [(e["event"], e.get("node_id"), e.get("status")) for e in events] == [
            ("step.started", "start", "running"),
            ("step.finished", "start", "succeeded"),
            ("step.started", "hello", "running"),
            ("step.finished", "hello", "succeeded"),
            ("step.started", "ask", "running"),
            ("step.finished", "ask", "succeeded"),
            ("run.finished", None, "completed"),
        ]
        assert {e["conversation_id"] for e in events} == {conversation["id"]}

        reply = say(live.url, conversation, "Ada")
        assert reply.status_code == 200, reply.text
        assert texts(reply.json()) == ["Nice to meet you, Ada.", "Say anything, Ada."]
        events = receive_until(sock, lambda e: e["event"] == "run.finished")
        finished = {e["node_id"]: e for e in events if e["event"] == "step.finished"}
        assert finished["ask"]["handle"] == "next" and finished["reply"]["input"] == {"text": "Nice to meet you, Ada."}
    finally:
        sock.close()
    transcript = requests.get(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/", headers=auth(conversation), timeout=10
    ).json()
    assert [m["direction"] for m in transcript["messages"]] == ["out", "out", "in", "out", "out"]
    # Nothing was published by it: chat clients still cannot start the flow.
    refused = requests.post(f"{live.url}/api/v1/chat/not-yet-live/conversations/", json={}, timeout=10)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "flow_not_published"


def receive_until(sock, predicate, timeout: float = 15) -> list[dict]:
    events, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.1))
        event = json.loads(sock.recv())
        events.append(event)
        if predicate(event):
            return events
    raise AssertionError(f"timed out; got {events}")


# Restore.


def test_restore_puts_a_published_versions_graph_back_into_the_draft(editor_client):
    flow = published_flow("greeting", slug="restorable")
    v1 = flow.graph
    editor_client.patch(flow_url(flow), {"graph": load_graph("ask_then_end")}, format="json")
    assert editor_client.post(flow_url(flow, "publish/")).json()["number"] == 2
    editor_client.patch(flow_url(flow), {"graph": load_graph("broken")}, format="json")

    response = editor_client.post(flow_url(flow, "versions/1/restore/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["graph"] == v1
    assert body["problems"] == []
    assert body["published_version"] == 2  # restoring changes the draft only
    flow.refresh_from_db()
    assert (flow.graph, flow.problems) == (v1, [])
    assert FlowVersion.objects.filter(flow=flow).count() == 2
    assert [v["number"] for v in editor_client.get(flow_url(flow, "versions/")).json()] == [2, 1]


def test_restore_of_a_missing_version_or_a_preview_snapshot_is_a_404(editor_client):
    flow = published_flow("greeting")
    editor_client.post(flow_url(flow, "preview/") + "?wait=0", {}, format="json")
    editor_client.patch(flow_url(flow), {"graph": load_graph("broken")}, format="json")
    for number in (0, 7):
        response = editor_client.post(flow_url(flow, f"versions/{number}/restore/"))
        assert response.status_code == 404, number
        assert response.json()["error"]["code"] == "not_found"
    flow.refresh_from_db()
    assert len(flow.graph["nodes"]) == 4  # still the broken draft
    assert editor_client.post(f"{FLOWS}999999/versions/1/restore/").status_code == 404


# Duplicate.


def test_duplicate_copies_the_draft_under_a_new_name_and_slug(editor_client, editor):
    flow = published_flow("greeting", slug="greeting", name="Greeting")
    editor_client.patch(flow_url(flow), {"graph": load_graph("broken")}, format="json")
    flow.refresh_from_db()

    response = editor_client.post(flow_url(flow, "duplicate/"))
    assert response.status_code == 201, response.content
    copy = response.json()
    assert (copy["name"], copy["slug"], copy["owner"]) == ("Greeting (copy)", "greeting-copy", editor.username)
    assert copy["id"] != flow.pk
    assert copy["graph"] == flow.graph
    assert copy["problems"] == flow.problems and copy["problems"]
    assert copy["published_version"] is None
    assert editor_client.get(f"{FLOWS}{copy['id']}/versions/").json() == []

    again = editor_client.post(flow_url(flow, "duplicate/")).json()
    assert (again["name"], again["slug"]) == ("Greeting (copy)", "greeting-copy-2")
    # The copy is a flow of its own: changing it leaves the original alone.
    editor_client.patch(f"{FLOWS}{copy['id']}/", {"graph": load_graph("greeting")}, format="json")
    flow.refresh_from_db()
    assert len(flow.graph["nodes"]) == 4


def test_duplicating_a_flow_with_a_very_long_name_keeps_within_the_limits(editor_client):
    flow = draft(name="x" * 200, slug="long")
    copy = editor_client.post(flow_url(flow, "duplicate/")).json()
    assert len(copy["name"]) == 200 and len(copy["slug"]) <= 100


# Export and import.


def test_export_is_a_file_with_the_draft_and_import_makes_a_new_flow_from_it(editor_client, editor):
    flow = draft("support_desk", name="Support desk", slug="support-desk")
    response = editor_client.get(flow_url(flow, "export/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="support-desk.flow.json"'
    document = json.loads(response.content)
    assert document == {"format": "flowbuilder/flow", "spec_version": 1, "name": "Support desk", "graph": flow.graph}

    imported = editor_client.post(f"{FLOWS}import/", document, format="json")
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert (body["name"], body["slug"], body["owner"]) == ("Support desk", "support-desk-2", editor.username)
    assert body["graph"] == flow.graph
    assert body["problems"] == flow.problems
    assert body["published_version"] is None
    assert Flow.objects.count() == 2


def test_export_is_a_download_even_when_a_browser_asks_for_html(editor_client):
    flow = draft(slug="dl")
    response = editor_client.get(flow_url(flow, "export/"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["format"] == "flowbuilder/flow"


def test_import_accepts_the_file_uploaded_as_a_form_field(editor_client):
    document = {"format": "flowbuilder/flow", "spec_version": 1, "name": "Uploaded", "graph": load_graph("greeting")}
    upload = SimpleUploadedFile("uploaded.flow.json", json.dumps(document).encode(), content_type="application/json")
    response = editor_client.post(f"{FLOWS}import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["slug"], response.json()["problems"]) == (
        "Uploaded",
        "uploaded",
        [],
    )


def test_an_imported_flow_with_problems_is_stored_as_a_draft_with_its_problems(editor_client):
    document = {"format": "flowbuilder/flow", "spec_version": 1, "name": "Broken", "graph": load_graph("broken")}
    response = editor_client.post(f"{FLOWS}import/", document, format="json")
    assert response.status_code == 201
    assert {(p["node_id"], p["field"]) for p in response.json()["problems"]} >= {("greet", "text")}


GOOD = {"format": "flowbuilder/flow", "spec_version": 1, "name": "Fine", "graph": {"nodes": [], "edges": []}}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "The file is not a flow export: it must be a JSON object."),
        ({**GOOD, "format": "n8n/workflow"}, 'The file is not a flow export: its "format" must be "flowbuilder/flow".'),
        ({k: v for k, v in GOOD.items() if k != "format"}, 'its "format" must be "flowbuilder/flow"'),
        ({**GOOD, "spec_version": "1"}, 'The file has no valid "spec_version" (a whole number, 1 or more).'),
        (
            {**GOOD, "spec_version": 9},
            "The file was exported by a newer version of the flow builder (spec_version 9); this one reads up to 1.",
        ),
        ({**GOOD, "graph": {"spec_version": 2, "nodes": [], "edges": []}}, "newer version of the flow builder"),
        ({**GOOD, "name": "  "}, 'The file has no flow "name".'),
        ({k: v for k, v in GOOD.items() if k != "graph"}, 'The file has no "graph" object with "nodes" and "edges".'),
        ({**GOOD, "graph": {"nodes": {}, "edges": []}}, "The file's graph cannot be read: graph.nodes must be a list."),
    ],
)
def test_import_refuses_a_file_that_is_not_a_flow_export_and_says_why(editor_client, document, message):
    before = Flow.objects.count()
    response = editor_client.post(f"{FLOWS}import/", document, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_import"
    assert message in error["message"]
    assert Flow.objects.count() == before


def test_import_refuses_a_file_that_is_not_json(editor_client):
    for client_kwargs in (
        {"data": b"{not json", "content_type": "application/json"},
        {"data": {"file": SimpleUploadedFile("x.flow.json", b"\x89PNG not json")}, "format": "multipart"},
    ):
        response = editor_client.post(f"{FLOWS}import/", **client_kwargs)
        assert response.status_code == 400
        assert response.json()["error"] == {"code": "invalid_import", "message": "The file is not valid JSON."}
    assert Flow.objects.count() == 0


def test_the_new_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/flows/{id}/preview/": "post",
        "/api/v1/flows/{id}/versions/{number}/restore/": "post",
        "/api/v1/flows/{id}/duplicate/": "post",
        "/api/v1/flows/{id}/export/": "get",
        "/api/v1/flows/import/": "post",
    }
    for path, method in expected.items():
        operation = paths[path][method]
        assert operation["description"], path
        assert {"cookieAuth": []} in operation["security"], path
    components = schema["components"]["schemas"]
    preview = paths["/api/v1/flows/{id}/preview/"]["post"]["responses"]
    created = preview["201"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"id", "token", "status", "messages", "input", "run_id"} <= set(components[created]["properties"])
    refused = preview["400"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(components[refused]["properties"]) == {"error"}
    document = paths["/api/v1/flows/{id}/export/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert set(components[document["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]) == {
        "format",
        "spec_version",
        "name",
        "graph",
    }
    upload = paths["/api/v1/flows/import/"]["post"]["requestBody"]["content"]
    assert set(upload) >= {"application/json", "multipart/form-data"}
