"""The builder API: flows CRUD, drafts with problems, publishing versions, node types, conversations and runs."""

import copy

import pytest
import requests
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from flows import actions
from flows.models import Conversation, Flow, FlowVersion
from tests.api.conftest import row_counts
from tests.factories import EditorFactory, FlowFactory, UserFactory, load_graph, published_flow

pytestmark = pytest.mark.django_db

FLOWS = "/api/v1/flows/"


def flow_url(flow, suffix: str = "") -> str:
    return f"{FLOWS}{flow.pk}/{suffix}"


def problems_by_node(problems: list[dict]) -> set[tuple]:
    return {(p["node_id"], p["field"], p["message"]) for p in problems if p["severity"] == "error"}


BROKEN_PROBLEMS = {
    ("greet", "text", "Required"),
    ("pick", "choices", "Add at least one choice."),
    ("bye", "colour", "Unknown setting"),
}


# Who may use it.


@pytest.fixture
def flow(db):
    return published_flow("greeting", slug="greet")


def builder_requests(flow) -> list[tuple[str, str, dict | None]]:
    conversation, _token, _run = actions.start_conversation(flow)
    return [
        ("get", FLOWS, None),
        ("post", FLOWS, {"name": "Sneaky"}),
        ("get", flow_url(flow), None),
        ("patch", flow_url(flow), {"name": "Renamed"}),
        ("delete", flow_url(flow), None),
        ("post", flow_url(flow, "publish/"), None),
        ("get", flow_url(flow, "versions/"), None),
        ("get", flow_url(flow, "versions/1/"), None),
        ("get", flow_url(flow, "conversations/"), None),
        ("post", f"{FLOWS}validate/", {"graph": load_graph("greeting")}),
        ("get", "/api/v1/node-types/", None),
        ("get", f"/api/v1/conversations/{conversation.pk}/", None),
        ("get", f"/api/v1/conversations/{conversation.pk}/runs/", None),
    ]


def assert_refused(client, flow, statuses):
    before = row_counts()
    for method, url, body in builder_requests(flow):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in statuses, (method, url, response.status_code)
        assert set(response.json()["error"]) >= {"code", "message"}, (method, url)
    flow.refresh_from_db()
    assert flow.name != "Renamed"
    assert Flow.objects.count() == 1
    assert row_counts() == {**before, "Conversation": before["Conversation"] + 1, "Run": before["Run"] + 1}


def test_anonymous_users_are_refused_everywhere(anon, flow):
    assert_refused(anon, flow, {401, 403})


@pytest.mark.parametrize("staff", [False, True], ids=["user", "staff"])
def test_logged_in_users_without_a_role_are_refused_even_staff(flow, staff):
    client = APIClient()
    client.force_login(UserFactory(is_staff=staff))
    assert_refused(client, flow, {403})
    response = client.get(FLOWS)
    assert response.json()["error"] == {"code": "permission_denied", "message": "Seeing flows needs the Viewer role."}


def test_a_user_given_the_permission_directly_may_use_what_it_allows(flow):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_flow", content_type__app_label="flows"))
    client = APIClient()
    client.force_login(user)
    response = client.get(FLOWS)
    assert response.status_code == 200
    assert [f["slug"] for f in response.json()] == ["greet"]
    assert client.patch(f"{FLOWS}{flow.pk}/", {"name": "Renamed"}, format="json").status_code == 403


def test_an_inactive_staff_user_is_refused(flow):
    client = APIClient()
    client.force_login(UserFactory(is_staff=True, is_active=False))
    assert client.get(FLOWS).status_code in (401, 403)


def test_drf_token_authentication(editor, flow):
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(FLOWS)
    assert response.status_code == 200, response.content
    assert [f["slug"] for f in response.json()] == ["greet"]

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(FLOWS)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["message"] == "Invalid token."


def test_a_non_editors_token_is_refused(flow):
    token = Token.objects.create(user=UserFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(FLOWS).status_code == 403


# Drafts.


def test_create_a_flow_with_just_a_name(editor_client, editor):
    response = editor_client.post(FLOWS, {"name": "Lead capture"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "lead-capture"
    assert body["owner"] == editor.username
    assert body["published_version"] is None
    assert body["problems"] == [
        {"node_id": None, "edge_id": None, "field": None, "message": "The flow needs a start node", "severity": "error"}
    ]
    again = editor_client.post(FLOWS, {"name": "Lead capture"}, format="json")
    assert again.status_code == 201
    assert again.json()["slug"] == "lead-capture-2"


def test_saving_an_invalid_draft_stores_it_and_lists_its_problems_per_node(editor_client):
    graph = load_graph("broken")
    response = editor_client.post(FLOWS, {"name": "Broken", "graph": graph}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert problems_by_node(body["problems"]) == BROKEN_PROBLEMS

    flow = Flow.objects.get(pk=body["id"])
    assert [n["id"] for n in flow.graph["nodes"]] == ["start", "greet", "pick", "bye"]
    shown = editor_client.get(flow_url(flow)).json()
    assert shown["graph"]["nodes"] == graph["nodes"]
    assert shown["graph"]["edges"] == graph["edges"]
    assert problems_by_node(shown["problems"]) == BROKEN_PROBLEMS


def test_fixing_the_draft_clears_its_problems(editor_client):
    flow = FlowFactory(name="Broken")
    actions.save_flow(flow, graph=load_graph("broken"))
    response = editor_client.patch(flow_url(flow), {"graph": load_graph("greeting")}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["problems"] == []
    flow.refresh_from_db()
    assert flow.problems == []


def test_patching_the_name_keeps_the_graph_and_its_problems(editor_client):
    flow = FlowFactory(name="Broken")
    actions.save_flow(flow, graph=load_graph("broken"))
    response = editor_client.patch(flow_url(flow), {"name": "Still broken"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Still broken"
    assert problems_by_node(response.json()["problems"]) == BROKEN_PROBLEMS
    assert len(response.json()["graph"]["nodes"]) == 4


def test_put_replaces_name_slug_and_graph(editor_client):
    flow = FlowFactory(name="Old", slug="old")
    response = editor_client.put(
        flow_url(flow), {"name": "New", "slug": "new", "graph": load_graph("greeting")}, format="json"
    )
    assert response.status_code == 200, response.content
    flow.refresh_from_db()
    assert (flow.name, flow.slug, len(flow.graph["nodes"]), flow.problems) == ("New", "new", 7, [])


def test_list_and_delete(editor_client):
    FlowFactory(name="B flow", slug="b")
    a = published_flow("greeting", slug="a", name="A flow")
    listed = editor_client.get(FLOWS).json()
    assert [(f["name"], f["published_version"]) for f in listed] == [("A flow", 1), ("B flow", None)]
    assert "graph" not in listed[0]

    assert editor_client.delete(flow_url(a)).status_code == 204
    assert not Flow.objects.filter(pk=a.pk).exists()
    assert editor_client.get(flow_url(a)).status_code == 404


def test_deleting_a_flow_deletes_its_versions_and_conversations(editor_client):
    flow = published_flow("greeting", slug="with-talk")
    conversation, _token, _run = actions.start_conversation(flow)

    assert editor_client.delete(flow_url(flow)).status_code == 204
    assert not FlowVersion.objects.filter(flow_id=flow.pk).exists()
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


def test_a_slug_already_taken_is_refused_not_a_server_error(editor_client):
    FlowFactory(slug="taken")
    response = editor_client.post(FLOWS, {"name": "Other", "slug": "taken"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "slug" in response.json()["error"]["fields"]

    other = FlowFactory(slug="other")
    response = editor_client.patch(flow_url(other), {"slug": "taken"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["error"]["fields"]


@pytest.mark.parametrize("graph", [[], "nodes", 42, {"nodes": "x"}, {"nodes": [], "edges": [1]}])
def test_a_graph_that_is_not_a_graph_is_refused_and_nothing_is_stored(editor_client, graph):
    response = editor_client.post(FLOWS, {"name": "Odd", "graph": graph}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_graph"
    assert not Flow.objects.exists()

    flow = FlowFactory()
    response = editor_client.patch(flow_url(flow), {"graph": graph}, format="json")
    assert response.status_code == 400, response.content
    flow.refresh_from_db()
    assert flow.graph == {"nodes": [], "edges": []}


def test_a_bad_slug_or_a_missing_name_are_field_errors(editor_client):
    response = editor_client.post(FLOWS, {"name": "x", "slug": "not a slug"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("slug:")
    response = editor_client.post(FLOWS, {"slug": "no-name"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]
    assert not Flow.objects.exists()


def test_validate_reports_problems_without_storing_anything(editor_client):
    response = editor_client.post(f"{FLOWS}validate/", {"graph": load_graph("broken")}, format="json")
    assert response.status_code == 200
    assert problems_by_node(response.json()["problems"]) == BROKEN_PROBLEMS
    assert editor_client.post(f"{FLOWS}validate/", {"graph": load_graph("greeting")}, format="json").json() == {
        "problems": []
    }
    assert not Flow.objects.exists()

    response = editor_client.post(f"{FLOWS}validate/", {"graph": ["not", "a", "graph"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_graph"
    response = editor_client.post(f"{FLOWS}validate/", {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["graph"]


# Publishing and versions.


def test_publishing_a_graph_with_problems_is_refused_and_creates_nothing(editor_client):
    flow = FlowFactory()
    actions.save_flow(flow, graph=load_graph("broken"))
    response = editor_client.post(flow_url(flow, "publish/"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "graph_has_problems"
    assert error["message"] == "The flow has problems; fix them before publishing."
    assert problems_by_node(error["problems"]) == BROKEN_PROBLEMS
    assert not FlowVersion.objects.exists()
    assert editor_client.get(flow_url(flow, "versions/")).json() == []
    assert editor_client.get(flow_url(flow)).json()["published_version"] is None


def test_publishing_an_empty_new_flow_is_refused(editor_client):
    flow_id = editor_client.post(FLOWS, {"name": "Empty"}, format="json").json()["id"]
    response = editor_client.post(f"{FLOWS}{flow_id}/publish/")
    assert response.status_code == 400
    assert [p["message"] for p in response.json()["error"]["problems"]] == ["The flow needs a start node"]
    assert not FlowVersion.objects.exists()


def test_publishing_creates_numbered_immutable_versions(editor_client, editor):
    flow = FlowFactory()
    v1_graph = load_graph("greeting")
    actions.save_flow(flow, graph=v1_graph)

    first = editor_client.post(flow_url(flow, "publish/"))
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1
    assert first.json()["published_by"] == editor.username

    v2_graph = copy.deepcopy(v1_graph)
    v2_graph["nodes"][1]["data"]["text"] = "Hello again!"
    assert editor_client.patch(flow_url(flow), {"graph": v2_graph}, format="json").status_code == 200
    second = editor_client.post(flow_url(flow, "publish/"))
    assert second.status_code == 201
    assert second.json()["number"] == 2

    assert [v["number"] for v in editor_client.get(flow_url(flow, "versions/")).json()] == [2, 1]
    assert editor_client.get(flow_url(flow)).json()["published_version"] == 2

    v1 = editor_client.get(flow_url(flow, "versions/1/")).json()
    assert v1["number"] == 1
    assert v1["graph"]["nodes"][1]["data"]["text"] == "Hello! I'm a test bot."
    v2 = editor_client.get(flow_url(flow, "versions/2/")).json()
    assert v2["graph"]["nodes"][1]["data"]["text"] == "Hello again!"

    # A later broken draft changes no published version.
    assert editor_client.put(
        flow_url(flow), {"name": flow.name, "slug": flow.slug, "graph": load_graph("broken")}, format="json"
    ).json()["problems"]
    assert editor_client.post(flow_url(flow, "publish/")).status_code == 400
    assert editor_client.get(flow_url(flow, "versions/2/")).json()["graph"] == v2["graph"]
    assert FlowVersion.objects.filter(flow=flow).count() == 2


def test_unknown_flows_and_versions_are_404(editor_client):
    flow = published_flow("greeting")
    assert editor_client.get(flow_url(flow, "versions/2/")).status_code == 404
    assert editor_client.get(f"{FLOWS}999999/").status_code == 404
    response = editor_client.post(f"{FLOWS}999999/publish/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# Node types.


def test_node_types_describe_label_category_description_schema_and_outputs(editor_client):
    response = editor_client.get("/api/v1/node-types/")
    assert response.status_code == 200
    types = {t["type"]: t for t in response.json()}
    assert {"start", "message", "question", "condition", "set_variable", "end"} <= set(types)
    for node_type in types.values():
        assert node_type["label"] and node_type["category"], node_type
        assert isinstance(node_type["description"], str)
        assert node_type["config_schema"]["type"] == "object"

    message = types["message"]
    assert (message["label"], message["category"]) == ("Message", "Core")
    assert "{{ variable }}" in message["description"]
    assert message["config_schema"]["required"] == ["text"]
    assert message["config_schema"]["properties"]["text"]["type"] == "string"
    assert message["outputs"] == [{"id": "next", "label": "Next"}]

    assert [o["id"] for o in types["condition"]["outputs"]] == ["true", "false"]
    assert types["end"]["outputs"] == []
    assert types["start"]["accepts_input"] is False
    assert types["question"]["dynamic_outputs"]["id"] == "choice:{id}"
    assert set(types["question"]["config_schema"]["properties"]) >= {"text", "input_type", "choices", "variable"}


# Conversations and runs.


def test_a_flows_conversations_show_the_version_they_run_on(editor_client):
    flow = published_flow("greeting")
    old, _, _ = actions.start_conversation(flow, external_user_id="u-1")
    actions.publish(flow, None)
    new, _, _ = actions.start_conversation(flow, channel="sms")
    other_flow = published_flow("greeting")
    actions.start_conversation(other_flow)

    response = editor_client.get(flow_url(flow, "conversations/"))
    assert response.status_code == 200, response.content
    listed = [(c["id"], c["version"], c["channel"], c["status"]) for c in response.json()]
    assert listed == [(str(new.pk), 2, "sms", "active"), (str(old.pk), 1, "api", "active")]
    assert response.json()[1]["external_user_id"] == "u-1"
    assert "token_hash" not in response.json()[0]


def test_a_conversation_and_its_queued_run(editor_client):
    flow = published_flow("greeting")
    conversation, _, run = actions.start_conversation(flow)
    shown = editor_client.get(f"/api/v1/conversations/{conversation.pk}/").json()
    assert (shown["id"], shown["version"]) == (str(conversation.pk), 1)
    runs = editor_client.get(f"/api/v1/conversations/{conversation.pk}/runs/").json()
    assert [(r["id"], r["trigger"], r["status"], r["steps"]) for r in runs] == [(str(run.pk), "start", "queued", [])]
    missing = editor_client.get("/api/v1/conversations/00000000-0000-0000-0000-000000000000/runs/")
    assert missing.status_code == 404


# End to end: a conversation stays on its version; runs and steps of a real turn.


@pytest.mark.e2e
def test_a_conversation_stays_on_the_version_it_started_on(live):
    editor = EditorFactory()
    api = requests.Session()
    api.headers["Authorization"] = f"Token {Token.objects.create(user=editor).key}"

    created = api.post(
        f"{live.url}{FLOWS}", json={"name": "Greeter", "slug": "greeter", "graph": load_graph("greeting")}, timeout=10
    )
    assert created.status_code == 201, created.text
    flow_id = created.json()["id"]
    assert api.post(f"{live.url}{FLOWS}{flow_id}/publish/", timeout=10).json()["number"] == 1

    def start() -> dict:
        response = requests.post(f"{live.url}/api/v1/chat/greeter/conversations/", json={}, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()

    def say(conversation: dict, text: str) -> list[str]:
        response = requests.post(
            f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
            json={"text": text},
            headers={"Authorization": f"Bearer {conversation['token']}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json()["messages"]]

    on_v1 = start()

    v2 = load_graph("greeting")
    v2["nodes"][1]["data"]["text"] = "Welcome to version two."
    v2["nodes"][3]["data"]["text"] = "Pleased to meet you, {{ name }}."
    assert api.patch(f"{live.url}{FLOWS}{flow_id}/", json={"graph": v2}, timeout=10).json()["problems"] == []
    assert api.post(f"{live.url}{FLOWS}{flow_id}/publish/", timeout=10).json()["number"] == 2

    assert say(on_v1, "Ada") == ["Nice to meet you, Ada.", "Say anything, Ada."]
    on_v2 = start()
    assert [m["text"] for m in on_v2["messages"]] == ["Welcome to version two.", "What's your name?"]
    assert say(on_v2, "Bob") == ["Pleased to meet you, Bob.", "Say anything, Bob."]
    assert say(on_v1, "still here") == ["You said: still here", "And now?"]

    listed = api.get(f"{live.url}{FLOWS}{flow_id}/conversations/", timeout=10).json()
    assert {c["id"]: c["version"] for c in listed} == {on_v1["id"]: 1, on_v2["id"]: 2}
    assert Conversation.objects.get(pk=on_v1["id"]).variables["name"] == "Ada"

    runs = api.get(f"{live.url}/api/v1/conversations/{on_v1['id']}/runs/", timeout=10).json()
    assert [(r["trigger"], r["status"]) for r in runs] == [("start", "completed")] + [("message", "completed")] * 2
    assert [s["node_id"] for s in runs[0]["steps"]] == ["start", "hello", "ask"]
    assert [s["node_id"] for s in runs[1]["steps"]] == ["ask", "reply", "again"]
    assert runs[1]["steps"][1]["output"] or runs[1]["steps"][1]["input"]
    assert [s["seq"] for s in runs[1]["steps"]] == sorted(s["seq"] for s in runs[1]["steps"])
    assert runs[1]["inbound"] is not None

    anonymous = requests.get(f"{live.url}/api/v1/conversations/{on_v1['id']}/runs/", timeout=10)
    assert anonymous.status_code in (401, 403)
