"""The calendar node on Microsoft Graph (a local server speaking the Graph calls used), through the guarded client."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from integrations.checks import check
from integrations.errors import CredentialError
from integrations.models import CalendarBooking
from integrations.providers.calendars.base import stable_id
from integrations.services import Services
from tests.integrations.nodes.support import credential

from .support import everything, run

NEW_YORK = ZoneInfo("America/New_York")


def tomorrow_at(hour: int, minute: int = 0, tz=NEW_YORK) -> datetime:
    day = datetime.now(tz).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def posted(graph, path_end: str) -> list[dict]:
    return [json.loads(r["body"]) for r in graph.requests if r["method"] == "POST" and r["path"].endswith(path_end)]


def test_check_gets_a_token_and_reads_the_calendar(graph_cred, graph):
    result = check(graph_cred)
    assert result.ok, result.message
    assert result.message == f"Signed in to Microsoft Graph: the calendar 'Calendar' of {graph.mailbox} is reachable."
    (token_call,) = [r for r in graph.requests if r["path"].endswith("/token")]
    assert "client_secret=" in token_call["body"] and "grant_type=client_credentials" in token_call["body"]


def test_check_with_a_wrong_secret_says_what_microsoft_said(db, loopback, graph):
    cred = credential(
        "Bad",
        "microsoft_graph",
        {"tenant_id": graph.tenant, "client_id": graph.client_id, "mailbox": graph.mailbox,
         "authority": graph.authority, "graph_url": graph.graph_url},
        {"client_secret": "Not~The~Secret~123"},
    )  # fmt: skip
    result = check(cred)
    assert not result.ok
    assert "refused the client credentials of 'Bad': HTTP 401 (invalid_client: AADSTS7000215" in result.message
    assert "Not~The~Secret~123" not in result.message


def test_availability_from_get_schedule(svc, graph_cred, graph):
    graph.add("Team meeting", tomorrow_at(9), tomorrow_at(10, 30))
    graph.add("Lunch (free)", tomorrow_at(12), tomorrow_at(13), show_as="free")
    graph.add("Out of office", tomorrow_at(14), tomorrow_at(16), show_as="oof")
    data = {
        "credential": graph_cred.pk,
        "operation": "check_availability",
        "time_zone": "America/New_York",
        "business_hours": "Daily 09:00-17:00",
        "duration_min": 60,
        "step_min": 60,
        "min_notice_min": 0,
        "days_ahead": 2,
        "max_slots": 50,
        "save_as": "slots",
    }
    turn = run(data, svc)
    assert turn.handle == "available", turn.error
    day = tomorrow_at(0).date().isoformat()
    assert [s["time"] for s in turn.variables["slots"] if s["date"] == day] == ["11:00", "12:00", "13:00", "16:00"]
    (request,) = posted(graph, "/calendar/getSchedule")
    assert request["schedules"] == [graph.mailbox] and request["startTime"]["timeZone"] == "UTC"
    schedule_call = next(r for r in graph.requests if r["path"].endswith("/getSchedule"))
    assert schedule_call["headers"]["Prefer"] == 'outlook.timezone="UTC"'


def booking(cred, **extra):
    return {
        "credential": cred.pk,
        "operation": "create_event",
        "time_zone": "America/New_York",
        "start": "{{ when }}",
        "duration_min": 45,
        "title": "Demo call",
        "attendees": "{{ email }}",
        "description": "Booked by the chatbot",
        "location": "Teams",
        "save_as": "booking",
        **extra,
    }


def test_create_posts_the_event_in_the_business_zone_with_a_transaction_id(svc, graph_cred, graph):
    start = tomorrow_at(15)
    turn = run(booking(graph_cred), svc, {"when": start.strftime("%Y-%m-%dT%H:%M"), "email": "lee@example.com"})
    assert turn.handle == "success", turn.error
    (body,) = posted(graph, "/events")
    key = f"calendar:flow-7:c-1:call:{start.astimezone(UTC).isoformat()}"
    assert body["transactionId"] == f"{stable_id(key)[:8]}-{stable_id(key)[8:12]}-{stable_id(key)[12:16]}-" + (
        f"{stable_id(key)[16:20]}-{stable_id(key)[20:32]}"
    )
    # Sent in UTC (Graph takes only some IANA names when creating; UTC always).
    assert body["start"] == {"dateTime": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}
    assert body["attendees"] == [{"emailAddress": {"address": "lee@example.com"}, "type": "required"}]
    saved = turn.variables["booking"]
    (event_id,) = graph.events
    assert saved["id"] == event_id and saved["start"] == start.isoformat()
    assert saved["end"] == (start + timedelta(minutes=45)).isoformat() and saved["when"].endswith("at 15:00")
    assert graph.events[event_id]["start"] == start.astimezone(UTC)


def test_replays_book_once(svc, graph_cred, graph):
    variables = {"when": tomorrow_at(10).isoformat(), "email": "lee@example.com"}
    first = run(booking(graph_cred), svc, variables)
    second = run(booking(graph_cred), Services(flow_id="flow-7"), variables)
    assert second.step.output["created"] is False and second.exchanges == []
    # The record lost (a crash between the provider's answer and our write): the keyed property finds the event.
    CalendarBooking.objects.all().update(status="pending", event=None)
    third = run(booking(graph_cred), Services(flow_id="flow-7"), variables)
    assert third.step.output["created"] is False
    assert first.variables["booking"]["id"] == second.variables["booking"]["id"] == third.variables["booking"]["id"]
    assert len(graph.events) == 1 and len(posted(graph, "/events")) == 1


def test_a_repeated_post_with_the_same_transaction_id_is_one_event(svc, graph_cred, graph):
    # Two attempts that both looked before either posted: Graph's transactionId keeps it to one event.
    from integrations.providers.calendars import provider
    from integrations.providers.calendars.base import EventSpec

    cred = svc.credential(graph_cred.pk, kinds=["microsoft_graph"])
    spec = EventSpec("Call", tomorrow_at(11), tomorrow_at(12), "America/New_York", "key-1")
    one = provider(cred, svc).create(spec)
    graph.keys.clear()  # the second attempt's look-up finds nothing, as in a race
    two = provider(cred, Services(flow_id="flow-7")).create(spec)
    assert one.id == two.id and len(graph.events) == 1 and len(posted(graph, "/events")) == 2


def test_reschedule_cancel_and_a_missing_event(svc, graph_cred, graph):
    made = run(booking(graph_cred), svc, {"when": tomorrow_at(9).isoformat(), "email": ""})
    event_id = made.variables["booking"]["id"]
    moved = run(
        {"credential": graph_cred.pk, "operation": "reschedule_event", "time_zone": "America/New_York",
         "event_id": event_id, "start": tomorrow_at(13).isoformat(), "duration_min": 30, "save_as": "booking"},
        svc,
    )  # fmt: skip
    assert moved.handle == "success", moved.error
    assert graph.events[event_id]["start"] == tomorrow_at(13).astimezone(UTC)
    assert graph.events[event_id]["end"] == tomorrow_at(13, 30).astimezone(UTC)
    cancel = {"credential": graph_cred.pk, "operation": "cancel_event", "event_id": event_id}
    assert run(cancel, svc).handle == "success" and graph.events == {}
    assert run(cancel, svc).handle == "success"  # a 404 on delete: already gone
    missing = run(
        {
            "credential": graph_cred.pk,
            "operation": "reschedule_event",
            "event_id": event_id,
            "start": "2030-01-01T09:00",
        },
        svc,
    )
    assert (
        missing.handle == "error" and missing.error == f"There is no event {event_id!r} in the calendar to reschedule."
    )


def test_list_upcoming_events_of_an_attendee(svc, graph_cred, graph):
    graph.add("Intro", tomorrow_at(9), tomorrow_at(10), ["Sam@Example.com"])
    graph.add("Other", tomorrow_at(10), tomorrow_at(11), ["kim@example.com"])
    graph.add("Follow-up", tomorrow_at(8) + timedelta(days=2), tomorrow_at(9) + timedelta(days=2), ["sam@example.com"])
    data = {"credential": graph_cred.pk, "operation": "list_events", "time_zone": "America/New_York",
            "attendee": "sam@example.com", "save_as": "events"}  # fmt: skip
    turn = run(data, svc)
    assert turn.handle == "success", turn.error
    assert [(e["title"], e["start"]) for e in turn.variables["events"]] == [
        ("Intro", tomorrow_at(9).isoformat()),
        ("Follow-up", (tomorrow_at(8) + timedelta(days=2)).isoformat()),
    ]
    view = next(r for r in graph.requests if r["path"].endswith("/calendarView"))
    assert view["args"]["startDateTime"].endswith("Z") and view["args"]["$orderby"] == "start/dateTime"


def test_an_expired_token_is_renewed_once(svc, graph_cred, graph):
    data = {"credential": graph_cred.pk, "operation": "list_events", "save_as": "events"}
    assert run(data, svc).handle == "success"
    graph.tokens.clear()  # revoked: Graph answers 401 to the cached token
    turn = run(data, Services(flow_id="flow-7"))
    assert turn.handle == "success", turn.error
    assert graph.token_requests == 2


def test_graph_errors_are_sentences_and_secrets_stay_out(svc, graph_cred, graph):
    turn = run(
        {"credential": graph_cred.pk, "operation": "create_event", "start": "2030-01-01T09:00", "title": ""}, svc
    )
    assert turn.handle == "success"  # an empty title is booked as "Appointment"
    assert json.loads(graph.requests[-1]["body"])["subject"] == "Appointment"
    graph_cred.settings = {**graph_cred.settings, "mailbox": "nobody@contoso.example"}
    graph_cred.save()
    failed = run({"credential": graph_cred.pk, "operation": "cancel_event", "event_id": "x"}, Services(flow_id="f"))
    assert failed.handle == "error"
    assert failed.error == "Microsoft Graph refused to delete the event (HTTP 404): ResourceNotFound: " + (
        "Resource could not be discovered."
    )
    shown = everything(turn) + everything(failed)
    assert graph.client_secret not in shown
    assert not any(token in shown for token in graph.tokens)


def test_the_graph_token_authenticates_a_connections_request_to_graph_and_goes_nowhere_else(svc, graph_cred, graph):
    conn = svc.connection(graph_cred.pk, kinds=["microsoft_graph"])

    with pytest.raises(CredentialError) as refused:
        conn.request("GET", "https://elsewhere.example.com/v1.0/me", timeout_s=5)
    assert graph.requests == []  # refused before any token was asked for
    response = conn.request("GET", f"{graph.graph_url}/users/{graph.mailbox}/calendar", timeout_s=5)

    assert str(refused.value) == (
        f"The credential 'Outlook calendar' is for Microsoft Graph at {graph.graph_url.split('/')[2]}, so it is not "
        "sent to elsewhere.example.com; give a full URL of Graph."
    )
    assert response.status == 200 and response.json()["name"] == "Calendar"
    (token,) = graph.tokens
    assert graph.requests[-1]["headers"]["Authorization"] == f"Bearer {token}"
    assert token not in json.dumps(svc.http.exchanges)
