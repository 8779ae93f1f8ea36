"""Bulk email: one message per recipient, one refused recipient fails only its own, rate limit, redelivery, and a
real Celery worker sending a batch a real turn queued, with its progress on the builder API."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from flows import actions
from flows.models import Run
from integrations.email_batches import run_slice
from integrations.models import EmailBatch
from integrations.services import Services
from tests.factories import EditorFactory, published_flow

from .support import dumped, send, smtp_credential

PEOPLE = [
    {"email": "ada@example.com", "name": "Ada", "plan": "gold"},
    {"email": "gone@example.com", "name": "Gone", "plan": "none"},
    {"email": "not an address", "name": "Typo", "plan": "x"},
    {"email": "bob@example.org", "name": "Bob", "plan": "silver"},
]
BULK = {
    "mode": "bulk",
    "recipients": "people",
    "subject": "{{ recipient.name }}, your {{ recipient.plan }} plan",
    "text": "Dear {{ recipient.name }} of {{ company }}",
    "cc": "",
}


def results(batch: EmailBatch) -> dict[str, tuple[str, str]]:
    return {i.email: (i.status, i.error or i.response) for i in batch.items.order_by("position")}


def test_each_recipient_gets_their_own_message_and_a_refused_one_fails_alone(smtp_server, svc):
    peer = smtp_server("none")
    peer.handler.refuse.add("gone@example.com")
    turn = send(svc, smtp_credential(peer), {"people": PEOPLE, "company": "Acme"}, save_as="bulk", **BULK)
    assert turn.handle == "success", turn.error
    batch = EmailBatch.objects.get()
    assert turn.step.output["batch"] == {**batch.progress(), "failed": 1, "pending": 3}
    assert turn.step.output["invalid"] == [
        {"position": 2, "email": "not an address", "error": "Recipient 3: 'not an address' is not an email address "
         "(name@domain)."}
    ]  # fmt: skip
    assert turn.variables["bulk"] == {"batch_id": batch.pk, "total": 4, "queued": 3, "failed": 1}
    assert run_slice(batch.pk) is None  # done in one slice
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.sent, batch.failed) == ("done", 4, 2, 2)
    got = {m.rcpt_tos[0]: m.message for m in peer.messages}
    assert set(got) == {"ada@example.com", "bob@example.org"}
    assert got["ada@example.com"]["Subject"] == "Ada, your gold plan"
    assert got["ada@example.com"]["To"] == "Ada <ada@example.com>"
    assert got["bob@example.org"].get_content().strip() == "Dear Bob of Acme"
    assert results(batch)["gone@example.com"] == (
        "failed",
        "The SMTP server 127.0.0.1 refused every recipient (gone@example.com: 550 5.1.1 No such user here).",
    )
    assert results(batch)["ada@example.com"][0] == "sent"
    assert results(batch)["ada@example.com"][1].startswith("250 2.0.0 Ok: queued as")
    # Redelivered (the task run again): nothing already sent goes out twice.
    assert run_slice(batch.pk) is None
    assert len(peer.messages) == 2


def test_a_redelivered_turn_reuses_its_batch_and_a_second_task_sends_nothing_twice(smtp_server, db, loopback):
    peer = smtp_server("none")
    cred = smtp_credential(peer)
    run_id = uuid.uuid4()
    people = {"people": PEOPLE[:1] + PEOPLE[3:], "company": "Acme"}
    first = send(Services(run_id=run_id), cred, people, **BULK)
    again = send(Services(run_id=run_id), cred, people, **BULK)  # the same turn, run again after a worker died
    assert first.step.output["batch"]["id"] == again.step.output["batch"]["id"]
    assert EmailBatch.objects.count() == 1
    batch_id = first.step.output["batch"]["id"]
    assert run_slice(batch_id) is None and run_slice(batch_id) is None
    assert sorted(m.rcpt_tos[0] for m in peer.messages) == ["ada@example.com", "bob@example.org"]


def test_the_credentials_rate_limit_spaces_the_messages(smtp_server, svc, settings):
    settings.EMAIL_BATCH_SLICE_S = 30
    peer = smtp_server("none")
    cred = smtp_credential(peer, rate_limit="2/s")  # a burst of 2, then one every 0.5 s
    people = [{"email": f"p{i}@example.com", "name": f"P{i}"} for i in range(5)]
    arrivals: list[float] = []
    original = peer.handler.handle_DATA

    async def timed(server, session, envelope):
        arrivals.append(time.monotonic())
        return await original(server, session, envelope)

    peer.handler.handle_DATA = timed
    turn = send(svc, cred, {"people": people, "company": "Acme"}, **BULK)
    t0 = time.monotonic()
    assert run_slice(turn.step.output["batch"]["id"]) is None
    elapsed = time.monotonic() - t0
    assert len(peer.messages) == 5
    # after the burst of 2, one every 0.5 s: load only delays a message, so none may come before its token was due
    for k in range(2, 5):
        assert arrivals[k] - t0 >= 0.5 * (k - 1) - 0.01, (k, [round(t - t0, 3) for t in arrivals])
    assert 1.49 <= elapsed < 10, elapsed


def test_a_list_that_is_not_a_list_is_a_clear_error(smtp_server, svc):
    peer = smtp_server("none")
    turn = send(svc, smtp_credential(peer), {"people": "ada@example.com"}, **BULK)
    assert turn.error == "The variable 'people' should hold a list of recipients; it holds a str."
    nobody = send(svc, smtp_credential(peer, name="2"), {"people": [{"name": "no address"}]}, **BULK)
    assert nobody.handle == "error"
    assert nobody.error == "No recipient of the list can be sent to (1 in the list): Recipient 1 has no email."


@pytest.mark.e2e
def test_a_bulk_send_through_a_real_worker_shows_its_progress_on_the_run(live, smtp_server):
    peer = smtp_server("none")
    peer.handler.refuse.add("gone@example.com")
    cred = smtp_credential(peer, rate_limit="20/s")
    graph = {
        "nodes": [
            {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
            {"id": "mail", "type": "email", "position": {"x": 1, "y": 0}, "data": {"credential": cred.pk, **BULK}},
            {"id": "ok", "type": "message", "position": {"x": 2, "y": 0}, "data": {"text": "Queued"}},
            {"id": "bad", "type": "message", "position": {"x": 2, "y": 1}, "data": {"text": "Failed"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "sourceHandle": "next", "target": "mail"},
            {"id": "e2", "source": "mail", "sourceHandle": "success", "target": "ok"},
            {"id": "e3", "source": "mail", "sourceHandle": "error", "target": "bad"},
        ],
    }
    flow = published_flow(graph, slug="bulk-mail")
    conversation, _token, _run = actions.start_conversation(flow, variables={"people": PEOPLE, "company": "Acme"})
    deadline = time.monotonic() + 90
    batch = None
    while time.monotonic() < deadline:
        batch = EmailBatch.objects.filter(status=EmailBatch.Status.DONE).first()
        if batch is not None:
            break
        time.sleep(0.2)
    assert batch is not None, list(EmailBatch.objects.values("status", "sent", "failed"))
    assert (batch.total, batch.sent, batch.failed) == (4, 2, 2)
    assert sorted(m.rcpt_tos[0] for m in peer.messages) == ["ada@example.com", "bob@example.org"]
    run = Run.objects.get(conversation=conversation)
    assert str(batch.run_id) == str(run.pk) and batch.node_id == "mail"
    # What an editor sees: the run's step links the batch with its progress now, and the batch lists each recipient.
    session = requests.Session()
    editor = EditorFactory()
    token = __import__("rest_framework.authtoken.models", fromlist=["Token"]).Token.objects.create(user=editor)
    session.headers["Authorization"] = f"Token {token.key}"
    runs = session.get(f"{live.url}/api/v1/conversations/{conversation.pk}/runs/", timeout=20).json()
    step = next(s for s in runs[0]["steps"] if s["node_id"] == "mail")
    assert step["output"]["batch"]["status"] == "done"
    assert (step["output"]["batch"]["sent"], step["output"]["batch"]["failed"]) == (2, 2)
    detail = session.get(f"{live.url}{step['output']['batch']['url']}", timeout=20).json()
    by_email = {r["email"]: r for r in detail["recipients"]}
    assert by_email["ada@example.com"]["status"] == "sent" and by_email["ada@example.com"]["message_id"]
    assert by_email["gone@example.com"]["status"] == "failed"
    assert "550 5.1.1 No such user here" in by_email["gone@example.com"]["error"]
    assert by_email["not an address"]["status"] == "failed"
    assert "Dear" not in dumped(detail)  # results, not bodies
