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


# -- CalDAV (a real Radicale): the step's recorded exchanges are the URLs the guarded client called ------------------

DAV_IDS = [answer for answer in IDS if "/" not in answer]  # an id with "/" is refused as "not an event id"


@pytest.mark.parametrize("answer", DAV_IDS)
def test_a_caldav_event_id_from_a_variable_stays_the_events_file_name(svc, dav_cred, dav, answer):
    turn = run({"credential": dav_cred.pk, "operation": "cancel_event", "event_id": "{{ id }}"}, svc, {"id": answer})

    calendar = str(dav.calendar.url)
    event_urls = [x["request"]["url"] for x in turn.exchanges if x["request"]["method"] == "GET"]
    assert event_urls == [f"{calendar}{quote(answer.strip(), safe='@')}.ics"]  # then a search by UID, in the calendar
    assert all("?" not in x["request"]["url"] and "#" not in x["request"]["url"] for x in turn.exchanges)


@pytest.mark.parametrize("path", ["/alice/../bob/calendar/", "/alice/cal/?x=1", "/alice/cal/#top"])
def test_a_caldav_calendar_url_from_a_variable_cannot_step_or_add_a_query(svc, dav_cred, dav, path):
    turn = run({"credential": dav_cred.pk, "operation": "list_events", "calendar_id": "{{ cal }}"}, svc, {"cal": path})

    assert turn.handle == "error"
    assert turn.error == f"The calendar URL {path!r} has a '..', '?' or '#'; give the calendar's own path."
    assert turn.exchanges == []
