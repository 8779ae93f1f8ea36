"""Calendar and event ids from variables reach Microsoft Graph as one encoded path segment each, never as a new
segment, query or fragment; ids that would step to another resource are refused before any request."""

from urllib.parse import quote

import pytest

from tests.integrations.nodes.test_url_values import ENCODED

from .support import run

REFUSED = ["..", ".", "．．"]
IDS = [answer for answer in ENCODED if answer.strip()]  # the node trims ids; a blank one is "give the id"


def api_calls(graph) -> list[str]:
    """Method and raw target of each Graph API request (the token endpoint left out)."""
    return [f"{r['method']} {r['raw']}" for r in graph.requests if not r["path"].endswith("/token")]


@pytest.mark.parametrize("answer", IDS)
def test_an_event_id_from_a_variable_is_one_segment(svc, graph_cred, graph, answer):
    cancel = {"credential": graph_cred.pk, "operation": "cancel_event", "event_id": "{{ id }}"}

    run(cancel, svc, {"id": answer})  # whatever Graph answers for an id it does not know

    assert api_calls(graph) == [f"DELETE /v1.0/users/{graph.mailbox}/events/{quote(answer.strip(), safe='')}"]


@pytest.mark.parametrize("answer", REFUSED)
def test_an_event_id_that_would_step_away_is_refused(svc, graph_cred, graph, answer):
    cancel = {"credential": graph_cred.pk, "operation": "cancel_event", "event_id": "{{ id }}"}

    turn = run(cancel, svc, {"id": answer})

    assert turn.handle == "error" and turn.error == f"{answer!r} is not an event id."
    assert graph.requests == []


@pytest.mark.parametrize("answer", IDS)
def test_a_calendar_id_from_a_variable_is_one_segment(svc, graph_cred, graph, answer):
    listing = {"credential": graph_cred.pk, "operation": "list_events", "calendar_id": "{{ cal }}"}

    run(listing, svc, {"cal": answer})

    calls = api_calls(graph)
    assert len(calls) == 1
    calendar = quote(answer.strip(), safe="")
    assert calls[0].split("?")[0] == f"GET /v1.0/users/{graph.mailbox}/calendars/{calendar}/calendarView"


@pytest.mark.parametrize("answer", REFUSED)
def test_a_calendar_id_that_would_step_away_is_refused(svc, graph_cred, graph, answer):
    listing = {"credential": graph_cred.pk, "operation": "list_events", "calendar_id": "{{ cal }}"}

    turn = run(listing, svc, {"cal": answer})

    assert turn.handle == "error" and turn.error == f"{answer!r} is not a calendar id."
    assert graph.requests == []
