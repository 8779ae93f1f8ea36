"""Each draft save is a revision: a save from a stale revision is refused (409 conflict) and changes nothing."""

import pytest

from flows.models import Flow
from tests.factories import FlowFactory, load_graph

pytestmark = pytest.mark.django_db


def url(flow) -> str:
    return f"/api/v1/flows/{flow.pk}/"


def graph_with(text: str) -> dict:
    graph = load_graph("greeting")
    next(n for n in graph["nodes"] if n["type"] == "message")["data"]["text"] = text
    return graph


@pytest.fixture
def flow(editor_client):
    created = editor_client.post("/api/v1/flows/", {"name": "Greeter", "graph": load_graph("greeting")}, format="json")
    assert created.status_code == 201 and created.json()["revision"] == 1
    return Flow.objects.get(pk=created.json()["id"])


def test_every_save_counts_a_revision_and_the_etag_says_which(editor_client, flow):
    got = editor_client.get(url(flow))
    assert got.json()["revision"] == 1 and got["ETag"] == '"1"'
    saved = editor_client.put(url(flow), {"name": "Greeter", "graph": graph_with("One"), "revision": 1}, format="json")
    assert saved.status_code == 200 and saved.json()["revision"] == 2 and saved["ETag"] == '"2"'
    renamed = editor_client.patch(url(flow), {"name": "Greeter 2"}, format="json", HTTP_IF_MATCH='"2"')
    assert renamed.status_code == 200 and renamed.json()["revision"] == 3


@pytest.mark.parametrize("how", ["field", "if-match", "weak if-match"])
def test_a_save_from_a_stale_revision_gets_409_and_changes_nothing(editor_client, flow, how):
    # Tab A and tab B both opened revision 1; A saves first.
    first = editor_client.put(
        url(flow), {"name": "Greeter", "graph": graph_with("From A"), "revision": 1}, format="json"
    )
    assert first.status_code == 200
    before = Flow.objects.values("name", "graph", "revision", "updated_at").get(pk=flow.pk)

    body = {"name": "Greeter B", "graph": graph_with("From B")}
    extra = {}
    if how == "field":
        body["revision"] = 1
    else:
        extra["HTTP_IF_MATCH"] = '"1"' if how == "if-match" else 'W/"1"'
    stale = editor_client.put(url(flow), body, format="json", **extra)

    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict" and error["revision"] == 2
    assert "saved elsewhere" in error["message"]
    assert Flow.objects.values("name", "graph", "revision", "updated_at").get(pk=flow.pk) == before


def test_overwriting_deliberately_is_a_save_from_the_current_revision(editor_client, flow):
    editor_client.patch(url(flow), {"name": "By A", "revision": 1}, format="json")
    assert editor_client.patch(url(flow), {"name": "By B", "revision": 1}, format="json").status_code == 409
    again = editor_client.patch(url(flow), {"name": "By B", "revision": 2}, format="json")
    assert again.status_code == 200 and again.json()["name"] == "By B" and again.json()["revision"] == 3


def test_a_save_without_a_revision_is_taken_as_before(editor_client, flow):
    assert editor_client.patch(url(flow), {"name": "Any"}, format="json").json()["revision"] == 2


def test_a_malformed_if_match_is_a_400(editor_client, flow):
    response = editor_client.patch(url(flow), {"name": "X"}, format="json", HTTP_IF_MATCH='"abc"')
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert Flow.objects.get(pk=flow.pk).name == "Greeter"


def test_restoring_a_version_is_a_new_revision(editor_client):
    flow = FlowFactory()
    editor_client.put(url(flow), {"name": flow.name, "graph": load_graph("greeting")}, format="json")
    assert editor_client.post(f"{url(flow)}publish/", {}, format="json").status_code == 201
    revision = Flow.objects.get(pk=flow.pk).revision
    restored = editor_client.post(f"{url(flow)}versions/1/restore/")
    assert restored.json()["revision"] == revision + 1


def test_a_version_keeps_its_publishers_note(editor_client):
    flow = FlowFactory()
    editor_client.put(url(flow), {"name": flow.name, "graph": load_graph("greeting")}, format="json")
    published = editor_client.post(f"{url(flow)}publish/", {"note": "Friendlier greeting"}, format="json")
    assert published.status_code == 201 and published.json()["note"] == "Friendlier greeting"
    assert editor_client.post(f"{url(flow)}publish/", format="json").json()["note"] == ""  # the note is optional
    versions = editor_client.get(f"{url(flow)}versions/").json()
    assert [(v["number"], v["note"]) for v in versions] == [(2, ""), (1, "Friendlier greeting")]
    assert editor_client.get(f"{url(flow)}versions/1/").json()["note"] == "Friendlier greeting"
    too_long = editor_client.post(f"{url(flow)}publish/", {"note": "x" * 501}, format="json")
    assert too_long.status_code == 400 and too_long.json()["error"]["fields"]["note"]
    not_an_object = editor_client.post(f"{url(flow)}publish/", ["note"], format="json")
    assert not_an_object.status_code == 400 and not_an_object.json()["error"]["code"] == "invalid"
    assert len(editor_client.get(f"{url(flow)}versions/").json()) == 2


@pytest.mark.e2e
def test_saves_racing_from_one_revision_let_exactly_one_through(live):
    """Six tabs save at once from the same revision, over real HTTP: one is stored, five get 409; none is lost
    silently."""
    import threading

    import requests
    from rest_framework.authtoken.models import Token

    from tests.factories import EditorFactory

    flow = FlowFactory()
    flow_url = f"{live.url}/api/v1/flows/{flow.pk}/"
    headers = {"Authorization": f"Token {Token.objects.create(user=EditorFactory()).key}"}
    first = requests.patch(flow_url, json={"name": "Start"}, headers=headers, timeout=30)
    revision = first.json()["revision"]
    go = threading.Barrier(6)
    answers: dict[int, int] = {}

    def save(n: int) -> None:
        go.wait()
        response = requests.patch(
            flow_url, json={"name": f"Tab {n}", "graph": graph_with(f"Tab {n}"), "revision": revision},
            headers=headers, timeout=60,
        )  # fmt: skip
        answers[n] = response.status_code

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers.values()) == [200, 409, 409, 409, 409, 409], answers
    winner = next(n for n, code in answers.items() if code == 200)
    stored = Flow.objects.get(pk=flow.pk)
    assert (stored.name, stored.revision) == (f"Tab {winner}", revision + 1)
