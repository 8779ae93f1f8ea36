"""Django admin: every flows page loads for a superuser; runs and steps are read-only; a run shows its steps."""

import re

import pytest

from flows import actions, tasks
from flows.models import Conversation, FlowVersion, Message, Run, Step
from tests.factories import UserFactory, published_flow

pytestmark = pytest.mark.django_db

EXPLODES = {
    "nodes": [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": "boom", "type": "test_explode", "position": {"x": 200, "y": 0}, "data": {}},
        {"id": "never", "type": "message", "position": {"x": 400, "y": 0}, "data": {"text": "Not reached"}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "boom"},
        {"id": "e2", "source": "boom", "sourceHandle": "success", "target": "never"},
    ],
}


def run_turn(flow, answer: str | None = None, conversation=None) -> Run:
    """A turn run by the engine in this process, as the worker would (stored steps, messages and state)."""
    if conversation is None:
        conversation, _token, run = actions.start_conversation(flow)
    else:
        run, _created = actions.post_message(conversation, answer, None)
    tasks.execute_run(Run.objects.select_related("conversation__version", "inbound").get(pk=run.pk))
    run.refresh_from_db()
    return run


@pytest.fixture
def history(db):
    """Two flows: a greeting conversation with two completed turns, and one whose first turn failed."""
    greeting = published_flow("greeting", slug="greet", name="Greeting")
    first = run_turn(greeting)
    second = run_turn(greeting, "Ada", first.conversation)
    exploding = published_flow(EXPLODES, slug="boom", name="Exploding")
    failed = run_turn(exploding)
    assert (first.status, second.status, failed.status) == ("completed", "completed", "failed")
    return {"greeting": greeting, "exploding": exploding, "first": first, "second": second, "failed": failed}


def page(admin_client, url: str) -> str:
    response = admin_client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_every_flows_page_loads(admin_client, history):
    run = history["second"]
    conversation = run.conversation
    pages = {
        "/admin/flows/flow/": "Greeting",
        f"/admin/flows/flow/{history['greeting'].pk}/change/": "greet",
        "/admin/flows/flow/add/": "Add flow",
        "/admin/flows/flowversion/": "Greeting v1",
        f"/admin/flows/flowversion/{FlowVersion.objects.get(flow=history['greeting']).pk}/change/": "Greeting v1",
        "/admin/flows/conversation/": str(conversation.pk),
        f"/admin/flows/conversation/{conversation.pk}/change/": "Nice to meet you, Ada.",
        "/admin/flows/message/": "Nice to meet you, Ada.",
        f"/admin/flows/message/{Message.objects.filter(direction='in').get().pk}/change/": "Ada",
        "/admin/flows/run/": str(run.pk),
        f"/admin/flows/run/{run.pk}/change/": str(run.pk),
        "/admin/flows/step/": "reply",
        f"/admin/flows/step/{run.steps.get(node_id='reply').pk}/change/": "reply",
        "/admin/": "Runs",
    }
    for url, expected in pages.items():
        assert expected in page(admin_client, url), url


def test_a_conversation_page_shows_its_messages_but_not_the_token_hash(admin_client, history):
    conversation = history["second"].conversation
    html = page(admin_client, f"/admin/flows/conversation/{conversation.pk}/change/")
    inline = html[html.index('id="messages-group"') :]
    texts = re.findall(r'<td class="field-text">\s*<p>(.*?)</p>', inline)
    assert texts == [
        "Hello! I&#x27;m a test bot.",
        "What&#x27;s your name?",
        "Ada",
        "Nice to meet you, Ada.",
        "Say anything, Ada.",
    ]
    assert conversation.token_hash not in html
    assert "token_hash" not in html


def test_the_flow_page_lists_its_versions(admin_client, history):
    flow = history["greeting"]
    actions.publish(flow, None)
    html = page(admin_client, f"/admin/flows/flow/{flow.pk}/change/")
    group = html[html.index('id="versions-group"') :]
    for version in flow.versions.all():
        assert f"/admin/flows/flowversion/{version.pk}/change/" in group


@pytest.mark.parametrize("model", ["run", "step", "flowversion", "message"])
def test_runs_steps_versions_and_messages_are_read_only(admin_client, history, model):
    changelist = page(admin_client, f"/admin/flows/{model}/")
    assert f"/admin/flows/{model}/add/" not in changelist
    assert admin_client.get(f"/admin/flows/{model}/add/").status_code == 403

    obj = {
        "run": history["failed"],
        "step": history["failed"].steps.first(),
        "flowversion": FlowVersion.objects.first(),
        "message": Message.objects.first(),
    }[model]
    url = f"/admin/flows/{model}/{obj.pk}/change/"
    html = page(admin_client, url)
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert 'type="submit"' not in html.split('id="content-main"')[1].split("</form>")[0]
    assert admin_client.post(url, {}).status_code == 403


def test_conversations_are_not_added_in_the_admin_but_can_be_closed(admin_client, history):
    assert "/admin/flows/conversation/add/" not in page(admin_client, "/admin/flows/conversation/")
    assert admin_client.get("/admin/flows/conversation/add/").status_code == 403
    conversation = history["first"].conversation
    url = f"/admin/flows/conversation/{conversation.pk}/change/"
    html = page(admin_client, url)
    assert 'name="_save"' in html
    form = {
        "channel": conversation.channel,
        "external_user_id": "",
        "status": "ended",
        "variables": "{}",
        "messages-TOTAL_FORMS": "5",
        "messages-INITIAL_FORMS": "5",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "0",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    conversation.refresh_from_db()
    assert conversation.status == "ended"
    assert conversation.messages.count() == 5


def test_runs_and_steps_cannot_be_changed_by_a_post(admin_client, history):
    run = history["failed"]
    response = admin_client.post(f"/admin/flows/run/{run.pk}/change/", {"status": "completed", "error": ""})
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "failed"
    assert Step.objects.filter(run=run).count() == 2


def test_the_run_page_shows_its_steps_inline(admin_client, history):
    run = history["first"]
    html = page(admin_client, f"/admin/flows/run/{run.pk}/change/")
    assert 'id="steps-group"' in html
    steps = html[html.index('id="steps-group"') :]
    rows = re.findall(r'<td class="field-node_id">\s*<p>(.*?)</p>', steps)
    assert rows == ["start", "hello", "ask"]
    assert re.findall(r'<td class="field-node_type">\s*<p>(.*?)</p>', steps) == ["start", "message", "question"]
    # Read-only inline: no inputs to edit a step, no room for another, no delete boxes.
    assert 'name="steps-MAX_NUM_FORMS" value="0"' in steps
    assert not re.search(r'name="steps-\d+-(node_id|status|DELETE)"', steps)


def test_a_failed_run_shows_the_failing_step_and_its_error(admin_client, history):
    run = history["failed"]
    html = page(admin_client, f"/admin/flows/run/{run.pk}/change/")
    steps = html[html.index('id="steps-group"') :]
    assert "boom" in steps
    assert "the test node failed on purpose" in steps


def changelist_ids(admin_client, query: str) -> set[str]:
    html = page(admin_client, f"/admin/flows/run/?{query}")
    return set(re.findall(r"/admin/flows/run/([0-9a-f-]{36})/change/", html))


def test_the_run_list_filters_by_status_and_flow(admin_client, history):
    first, second, failed = str(history["first"].pk), str(history["second"].pk), str(history["failed"].pk)
    html = page(admin_client, "/admin/flows/run/")
    assert "By status" in html and "By flow" in html
    assert changelist_ids(admin_client, "") == {first, second, failed}
    assert changelist_ids(admin_client, "status__exact=failed") == {failed}
    assert changelist_ids(admin_client, "status__exact=completed") == {first, second}
    assert changelist_ids(admin_client, f"flow__id__exact={history['greeting'].pk}") == {first, second}
    assert changelist_ids(admin_client, f"flow__id__exact={history['exploding'].pk}") == {failed}
    query = f"flow__id__exact={history['greeting'].pk}&status__exact=failed"
    assert changelist_ids(admin_client, query) == set()


def test_the_conversation_list_filters_by_status(admin_client, history):
    ended = history["failed"].conversation
    Conversation.objects.filter(pk=ended.pk).update(status="ended")
    html = page(admin_client, "/admin/flows/conversation/?status__exact=ended")
    assert str(ended.pk) in html
    assert str(history["first"].conversation.pk) not in html


def test_staff_without_permissions_and_anonymous_users_see_no_runs(client, history):
    url = f"/admin/flows/run/{history['first'].pk}/change/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
