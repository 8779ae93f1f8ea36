"""The shipped "Book an appointment" sample: valid as shipped, loaded by bootstrap_demo, and booking a chosen slot in
Radicale end to end through the engine."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command

from flows.engine import State, run_turn
from flows.graph import analyse
from flows.models import Flow
from nodes.registry import registry
from tests.integrations.nodes.support import credential

from .conftest import PASSWORD, USER

SAMPLE = Path(__file__).resolve().parents[3] / "flows" / "demo" / "booking.json"


def sample(credential_id=None):
    doc = json.loads(SAMPLE.read_text())
    for node in doc["graph"]["nodes"]:
        if node["type"] == "calendar" and credential_id is not None:
            node["data"]["credential"] = credential_id
    return doc


def test_the_sample_validates_as_shipped_and_bootstrap_loads_it(db):
    # As shipped it names no calendar connection: the editor shows that on both Calendar nodes, and nothing else.
    graph, problems = analyse(sample()["graph"], registry())
    calendar_nodes = {n["id"] for n in sample()["graph"]["nodes"] if n["type"] == "calendar"}
    assert len(calendar_nodes) == 2
    assert {(p.node_id, p.field, p.message) for p in problems} == {
        (node_id, "credential", "Pick a calendar connection (a credential of a calendar kind).")
        for node_id in calendar_nodes
    }
    call_command("bootstrap_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's own output
    flow = Flow.objects.get(slug="booking")
    assert flow.name == "Book an appointment (sample)" and flow.published_version is None
    assert Flow.objects.get(slug="demo").published_version is not None


def test_the_sample_books_the_slot_chosen_in_radicale(svc, loopback, radicale, dav):
    cred = credential(
        "Clinic", "caldav", {"url": radicale, "username": USER, "calendar": dav.name}, {"password": PASSWORD}
    )
    graph, problems = analyse(sample(cred.pk)["graph"], registry())
    assert graph is not None and problems == []

    def turn(state, text):
        return run_turn(graph, state, text, services=svc, redact=svc.redact, flow_id="7", conversation_id="conv-1")

    first = turn(State(), None)
    assert [m["text"] for m in first.messages] == ["Hi! I can book you a 30-minute consultation.", "What's your name?"]
    second = turn(first.state, "Ada")
    third = turn(second.state, "ada@example.com")
    assert not third.failed, third.error
    slots = third.state.variables["slots"]
    (question,) = third.messages
    assert len(slots) == 3 and question["choices"] == [
        {"id": str(i + 1), "label": s["label"]} for i, s in enumerate(slots)
    ]
    assert question["text"] == f"I have {third.state.variables['slots_text']}. Which suits you?"
    assert third.awaiting["choices"] == question["choices"]

    last = turn(third.state, slots[1]["label"])
    assert not last.failed, last.error
    chosen = datetime.fromisoformat(slots[1]["start"])
    london = chosen.astimezone(ZoneInfo("Europe/London"))
    when = f"{london:%A} {london.day} {london:%b} at {london:%H:%M}"
    assert [m["text"] for m in last.messages] == [
        f"You're booked for {when} (London time). An invitation is on its way to ada@example.com."
    ]
    (event,) = dav.events()
    assert event.decoded("dtstart") == chosen
    assert str(event["summary"]) == "Consultation with Ada"
    assert last.state.variables["booking"]["id"] == str(event["uid"])
