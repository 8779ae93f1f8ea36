"""The Calendar node on Google Calendar (service account and OAuth credentials), through the real engine and the fake.

Busy events are stored in the fake calendar in UTC; the business hours are in New York or London, so every slot the
node offers has been converted between zones. Tests that need a DST change inside the window run the turn at a set
moment (the engine's `now`, which the node reads as `ctx.now()`); the others use windows relative to now.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from integrations.models import CalendarBooking
from integrations.providers.calendars.base import stable_id
from integrations.services import Services
from tests.integrations.calendar.support import everything, run
from tests.integrations.nodes.support import credential

from .fake_google import _gerror

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
CAL = "clinic@group.calendar.google.com"
FRONT_DESK = "frontdesk@clinic.example"  # the Workspace user the service account acts as (needed for attendees)
CLIENT_ID, CLIENT_SECRET = "client-7.apps.googleusercontent.com", "GOCSPX-client-secret-7Qw"
REFRESH_TOKEN = "1//0refresh-token-for-the-clinic-Zx9"


@pytest.fixture(autouse=True)
def clinic(google):
    google.calendar(CAL, "Clinic", "America/New_York")
    return google


def oauth(google, *, client_secret: str = CLIENT_SECRET) -> Any:
    """A Google OAuth credential (a user's consent) whose refresh token the local Google knows."""
    google.oauth_clients[REFRESH_TOKEN] = (CLIENT_ID, CLIENT_SECRET)
    settings = {"client_id": CLIENT_ID, "token_uri": f"{google.base}/token", "endpoint": google.base}
    secrets = {"client_secret": client_secret, "refresh_token": REFRESH_TOKEN}
    return credential("Dr Who's calendar", "google_oauth", settings, secrets)


@pytest.fixture(params=["google_service_account", "google_oauth"])
def cred(request, google, make_sa):
    if request.param == "google_service_account":
        return make_sa(subject=FRONT_DESK)
    return oauth(google)


def secrets(google, key_info) -> list[str]:
    """Everything that must never show in a step: key material, assertions, access tokens, OAuth secrets."""
    pem_lines = [line for line in key_info["private_key"].splitlines() if line and not line.startswith("-----")]
    found = [*pem_lines[1:4], key_info["private_key"], CLIENT_SECRET, REFRESH_TOKEN, *google.tokens]
    found += [g["form"]["assertion"] for g in google.grants if g["form"].get("assertion")]
    return found


def assert_no_secrets(turn, google, key_info) -> None:
    shown = everything(turn)
    assert google.grants, "no token was requested: the check below would prove nothing"
    for secret in secrets(google, key_info):
        assert secret not in shown, f"a secret ({secret[:12]}…) shows in the step"
        assert json.dumps(secret)[1:-1] not in shown


def busy(google, start: datetime, end: datetime, title: str = "Busy", attendees: tuple[str, ...] = ()) -> str:
    """An event someone else put in the calendar, its times in UTC ("Z")."""
    event_id = uuid.uuid4().hex
    google.calendars[CAL]["events"][event_id] = {
        "id": event_id,
        "kind": "calendar#event",
        "status": "confirmed",
        "summary": title,
        "start": {"dateTime": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "timeZone": "UTC"},
        "end": {"dateTime": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "timeZone": "UTC"},
        "attendees": [{"email": a} for a in attendees],
    }
    return event_id


@pytest.fixture
def tomorrow_at():
    """Times of tomorrow in New York, the date fixed once per test (a window of 2+ days holds it if midnight passes)."""
    day = datetime.now(NEW_YORK).date() + timedelta(days=1)

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)

    return at


def availability(cred, **extra: Any) -> dict[str, Any]:
    return {
        "credential": cred.pk,
        "operation": "check_availability",
        "calendar_id": CAL,
        "time_zone": "America/New_York",
        "business_hours": "Daily 09:00-17:00",
        "duration_min": 60,
        "step_min": 60,
        "min_notice_min": 0,
        "days_ahead": 3,
        "max_slots": 50,
        "save_as": "slots",
        "save_summary_as": "slots_text",
        **extra,
    }


def booking(cred, **extra: Any) -> dict[str, Any]:
    return {
        "credential": cred.pk,
        "operation": "create_event",
        "calendar_id": CAL,
        "time_zone": "America/New_York",
        "slot_variable": "slot",
        "title": "Consultation with {{ name }}",
        "attendees": "{{ email }}",
        "description": "Booked by the chatbot",
        "location": "Clinic, 5th Ave",
        "save_as": "booking",
        **extra,
    }


def operation(cred, name: str, **extra: Any) -> dict[str, Any]:
    return {"credential": cred.pk, "operation": name, "calendar_id": CAL, "time_zone": "America/New_York",
            "save_as": "result", **extra}  # fmt: skip


# -- availability --


def test_free_slots_are_new_york_hours_minus_busy_utc_events(svc, cred, google, key_info, tomorrow_at):
    busy(google, tomorrow_at(10), tomorrow_at(11, 30), "Team meeting")  # blocks 10:00 and 11:00
    busy(google, tomorrow_at(15, 15), tomorrow_at(15, 45), "Call")  # blocks 15:00
    busy(google, tomorrow_at(8), tomorrow_at(9), "Early")  # ends as the day opens: blocks nothing

    turn = run(availability(cred), svc)

    assert turn.handle == "available", turn.error
    assert turn.said == ["available"]
    day = tomorrow_at(0).date()
    offered = [s for s in turn.variables["slots"] if s["date"] == day.isoformat()]
    assert [s["time"] for s in offered] == ["09:00", "12:00", "13:00", "14:00", "16:00"]
    assert offered[1]["start"] == tomorrow_at(12).isoformat() and offered[1]["end"] == tomorrow_at(13).isoformat()
    assert offered[0]["label"] == f"{tomorrow_at(9):%a} 09:00"
    assert f"09:00, 12:00, 13:00, 14:00 or 16:00 on {tomorrow_at(9):%A}" in turn.variables["slots_text"]
    (query,) = google.calls("calendar.freebusy.query")
    assert query["body"]["items"] == [{"id": CAL}]
    assert datetime.fromisoformat(query["body"]["timeMin"]) <= datetime.now(UTC)
    assert turn.step.output["busy"] == 3
    assert turn.step.output["slots"] == len(turn.variables["slots"])
    assert_no_secrets(turn, google, key_info)


def test_the_unavailable_handle_when_everything_is_busy(svc, cred, google, key_info):
    now = datetime.now(UTC)
    busy(google, now - timedelta(hours=1), now + timedelta(days=4), "Away")

    turn = run(availability(cred, business_hours="Daily 09:00-10:00", days_ahead=2), svc)

    assert turn.handle == "unavailable", turn.error
    assert turn.said == ["unavailable"]
    assert turn.variables["slots"] == [] and turn.variables["slots_text"] == ""
    assert turn.step.output["busy"] == 1 and turn.step.output["slots"] == 0
    assert_no_secrets(turn, google, key_info)


DST_CASES = {
    # 8 March 2026: New York springs forward. 14:00Z is 09:00 on Friday (EST) but 10:00 on Monday (EDT).
    "new_york_march": (
        "America/New_York", datetime(2026, 3, 5, 12, 0, tzinfo=UTC), "Mon-Fri 09:00-11:00", 7,
        [(datetime(2026, 3, 6, 14, 0, tzinfo=UTC), datetime(2026, 3, 6, 15, 0, tzinfo=UTC)),
         (datetime(2026, 3, 9, 14, 0, tzinfo=UTC), datetime(2026, 3, 9, 15, 0, tzinfo=UTC))],
        ["2026-03-05T09:00:00-05:00", "2026-03-05T10:00:00-05:00", "2026-03-06T10:00:00-05:00",
         "2026-03-09T09:00:00-04:00", "2026-03-10T09:00:00-04:00", "2026-03-10T10:00:00-04:00",
         "2026-03-11T09:00:00-04:00", "2026-03-11T10:00:00-04:00"],
        "2026-03-12T00:00:00-04:00",
    ),
    # 25 October 2026: London falls back. 09:00Z is 10:00 on Friday (BST) but 09:00 on Monday (GMT).
    "london_october": (
        "Europe/London", datetime(2026, 10, 22, 6, 0, tzinfo=UTC), "Mon-Fri 09:00-11:00", 7,
        [(datetime(2026, 10, 23, 9, 0, tzinfo=UTC), datetime(2026, 10, 23, 10, 0, tzinfo=UTC)),
         (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), datetime(2026, 10, 26, 10, 0, tzinfo=UTC))],
        ["2026-10-22T09:00:00+01:00", "2026-10-22T10:00:00+01:00", "2026-10-23T09:00:00+01:00",
         "2026-10-26T10:00:00+00:00", "2026-10-27T09:00:00+00:00", "2026-10-27T10:00:00+00:00",
         "2026-10-28T09:00:00+00:00", "2026-10-28T10:00:00+00:00"],
        "2026-10-29T00:00:00+00:00",
    ),
    # The night of the change: 02:00-03:00 does not exist; 07:00Z is 03:00 EDT.
    "new_york_gap_night": (
        "America/New_York", datetime(2026, 3, 7, 12, 0, tzinfo=UTC), "Sun 00:00-04:00", 2,
        [(datetime(2026, 3, 8, 7, 0, tzinfo=UTC), datetime(2026, 3, 8, 8, 0, tzinfo=UTC))],
        ["2026-03-08T00:00:00-05:00", "2026-03-08T01:00:00-05:00"],
        "2026-03-09T00:00:00-04:00",
    ),
    # 01:00-02:00 happens twice; a busy hour at 01:00Z is the second one (GMT), the first (BST) stays free.
    "london_repeated_hour": (
        "Europe/London", datetime(2026, 10, 24, 12, 0, tzinfo=UTC), "Sun 00:00-03:00", 2,
        [(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, 0, tzinfo=UTC))],
        ["2026-10-25T00:00:00+01:00", "2026-10-25T01:00:00+01:00", "2026-10-25T02:00:00+00:00"],
        "2026-10-26T00:00:00+00:00",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", DST_CASES.values(), ids=DST_CASES.keys())
def test_slots_across_a_dst_change_keep_the_business_hours_and_the_busy_instants(svc, make_sa, google, case):
    zone, now, hours, days, busy_utc, expected, window_end = case
    for start, end in busy_utc:
        busy(google, start, end)
    data = availability(make_sa(), time_zone=zone, business_hours=hours, days_ahead=days)

    turn = run(data, svc, now=lambda: now)

    assert turn.handle == "available", turn.error
    assert [s["start"] for s in turn.variables["slots"]] == expected
    starts = [datetime.fromisoformat(s) for s in expected]
    assert [s["end"] for s in turn.variables["slots"]] == [
        (s.astimezone(UTC) + timedelta(hours=1)).astimezone(ZoneInfo(zone)).isoformat() for s in starts
    ]
    (query,) = google.calls("calendar.freebusy.query")
    assert datetime.fromisoformat(query["body"]["timeMin"]) == now
    assert query["body"]["timeMax"] == window_end
    assert turn.step.output["window"]["end"] == window_end
    assert turn.step.output["busy"] == len(busy_utc)


# -- booking --


def test_create_books_the_chosen_slot_in_the_business_zone(svc, cred, google, key_info, tomorrow_at):
    busy(google, tomorrow_at(9), tomorrow_at(12))
    offered = run(availability(cred), svc)
    assert offered.handle == "available", offered.error
    slot = next(s for s in offered.variables["slots"] if s["start"] == tomorrow_at(14).isoformat())

    turn = run(booking(cred), Services(flow_id="flow-7"), {"slot": slot, "name": "Ada", "email": "ada@example.com"})

    assert turn.handle == "success", turn.error
    assert turn.said == ["success"]
    key = f"calendar:flow-7:c-1:call:{tomorrow_at(14).astimezone(UTC).isoformat()}"
    event_id = stable_id(key)
    stored = google.calendars[CAL]["events"][event_id]
    assert stored["start"] == {"dateTime": tomorrow_at(14).isoformat(), "timeZone": "America/New_York"}
    assert stored["end"] == {"dateTime": tomorrow_at(15).isoformat(), "timeZone": "America/New_York"}
    assert stored["attendees"] == [{"email": "ada@example.com"}]
    assert stored["summary"] == "Consultation with Ada" and stored["location"] == "Clinic, 5th Ave"
    assert stored["description"] == "Booked by the chatbot" and stored["status"] == "confirmed"
    (insert,) = google.calls("calendar.events.insert")
    assert insert["path"]["calendarId"] == CAL and insert["query"]["sendUpdates"] == "all"
    saved = turn.variables["booking"]
    assert saved["id"] == event_id and saved["title"] == "Consultation with Ada"
    assert saved["start"] == tomorrow_at(14).isoformat() and saved["end"] == tomorrow_at(15).isoformat()
    assert saved["time_zone"] == "America/New_York" and saved["attendees"] == ["ada@example.com"]
    assert saved["when"] == f"{tomorrow_at(14):%A} {tomorrow_at(14).day} {tomorrow_at(14):%b} at 14:00"
    assert turn.step.output["created"] is True and turn.step.output["event_id"] == event_id
    assert_no_secrets(turn, google, key_info)


def test_a_start_without_offset_is_in_the_business_zone_and_the_end_is_real_time_across_the_change(svc, cred, google):
    # 14 March 2027, 01:30 EST: an hour later the clock reads 03:30 EDT.
    data = booking(cred, slot_variable=None, start="2027-03-14T01:30", duration_min=60, attendees="")

    turn = run(data, svc, {"name": "Bo"})

    assert turn.handle == "success", turn.error
    (stored,) = google.calendars[CAL]["events"].values()
    assert stored["start"] == {"dateTime": "2027-03-14T01:30:00-05:00", "timeZone": "America/New_York"}
    assert stored["end"] == {"dateTime": "2027-03-14T03:30:00-04:00", "timeZone": "America/New_York"}
    assert "attendees" not in stored
    assert turn.variables["booking"]["when"] == "Sunday 14 Mar at 01:30"


def test_the_same_turn_run_twice_books_once_and_googles_409_covers_a_lost_record(
    svc, cred, google, key_info, tomorrow_at
):
    variables = {"slot": {"start": tomorrow_at(10).isoformat(), "end": tomorrow_at(10, 30).isoformat()},
                 "name": "Ada", "email": "ada@example.com"}  # fmt: skip

    first = run(booking(cred), svc, variables)
    second = run(booking(cred), Services(flow_id="flow-7"), variables)

    assert first.handle == second.handle == "success", (first.error, second.error)
    assert first.step.output["created"] is True and second.step.output["created"] is False
    assert second.exchanges == []  # the booking record answered: Google was not called
    assert len(google.calls("calendar.events.insert")) == 1

    # The record lost (a crash between Google's answer and our write): the event id derived from the key makes
    # Google answer 409, and the node returns the event booked the first time.
    CalendarBooking.objects.all().delete()
    third = run(booking(cred), Services(flow_id="flow-7"), variables)

    assert third.handle == "success", third.error
    assert third.step.output["created"] is False
    assert [r["method"] for r in google.requests][-2:] == ["calendar.events.insert", "calendar.events.get"]
    assert [e["id"] for e in google.calendars[CAL]["events"].values()] == [first.variables["booking"]["id"]]
    assert first.variables["booking"] == second.variables["booking"] == third.variables["booking"]
    statuses = [(x["request"]["method"], x["response"]["status"]) for x in third.exchanges if x["response"]]
    assert ("POST", 409) in statuses
    (record,) = CalendarBooking.objects.all()
    assert record.status == CalendarBooking.Status.BOOKED and record.event_id == first.variables["booking"]["id"]
    assert_no_secrets(third, google, key_info)


def test_a_service_account_without_delegation_cannot_invite_and_says_so(svc, make_sa, google, key_info, tomorrow_at):
    variables = {"slot": {"start": tomorrow_at(10).isoformat()}, "name": "Ada", "email": "ada@example.com"}

    turn = run(booking(make_sa()), svc, variables)

    assert turn.handle == "error" and turn.said == ["error"]
    assert turn.error.startswith("Google does not let a service account invite attendees unless it acts for a Google")
    assert google.calendars[CAL]["events"] == {}
    (record,) = CalendarBooking.objects.all()
    assert record.status == CalendarBooking.Status.FAILED
    assert_no_secrets(turn, google, key_info)


# -- reschedule, cancel, list --


def test_reschedule_moves_the_booked_event(svc, cred, google, key_info, tomorrow_at):
    made = run(booking(cred), svc, {"slot": {"start": tomorrow_at(10).isoformat()}, "name": "Ada", "email": "a@x.io"})
    assert made.handle == "success", made.error

    data = operation(cred, "reschedule_event", event_id="{{ booking.id }}", start="{{ new_time }}", duration_min=45)
    moved = run(data, Services(flow_id="flow-7"), {**made.variables, "new_time": f"{tomorrow_at(15):%Y-%m-%dT%H:%M}"})

    assert moved.handle == "success", moved.error
    event_id = made.variables["booking"]["id"]
    stored = google.calendars[CAL]["events"][event_id]
    assert stored["start"] == {"dateTime": tomorrow_at(15).isoformat(), "timeZone": "America/New_York"}
    assert stored["end"] == {"dateTime": tomorrow_at(15, 45).isoformat(), "timeZone": "America/New_York"}
    assert stored["summary"] == "Consultation with Ada" and stored["attendees"] == [{"email": "a@x.io"}]
    result = moved.variables["result"]
    assert result["id"] == event_id and result["start"] == tomorrow_at(15).isoformat()
    assert result["end"] == tomorrow_at(15, 45).isoformat() and result["when"].endswith("at 15:00")
    (patch,) = google.calls("calendar.events.patch")
    assert patch["query"]["sendUpdates"] == "all" and set(patch["body"]) == {"start", "end"}
    assert_no_secrets(moved, google, key_info)


def test_reschedule_of_an_unknown_event_is_a_sentence(svc, cred, google, tomorrow_at):
    data = operation(cred, "reschedule_event", event_id="nope0", start=f"{tomorrow_at(15):%Y-%m-%dT%H:%M}")

    turn = run(data, svc)

    assert turn.handle == "error" and turn.said == ["error"]
    assert turn.error == f"There is no event 'nope0' in the calendar {CAL!r} to move."


def test_cancel_deletes_the_event_and_cancelling_again_is_fine(svc, cred, google, key_info, tomorrow_at):
    event_id = busy(google, tomorrow_at(10), tomorrow_at(11), "Visit", ("ada@example.com",))
    data = operation(cred, "cancel_event", event_id="{{ booking.id }}")

    first = run(data, svc, {"booking": {"id": event_id}})
    second = run(data, Services(flow_id="flow-7"), {"booking": {"id": event_id}})

    assert first.handle == second.handle == "success", (first.error, second.error)
    assert first.said == second.said == ["success"]
    assert first.variables["result"] == {"id": event_id, "cancelled": True}
    assert google.calendars[CAL]["events"][event_id]["status"] == "cancelled"
    deletes = google.calls("calendar.events.delete")
    assert len(deletes) == 2 and all(d["query"]["sendUpdates"] == "all" for d in deletes)
    assert [x["response"]["status"] for x in second.exchanges if "/events/" in x["request"]["url"]] == [410]
    free = run(availability(cred), Services(flow_id="flow-7"))
    assert tomorrow_at(10).isoformat() in [s["start"] for s in free.variables["slots"]]
    assert_no_secrets(second, google, key_info)


def test_list_events_by_attendee_in_order_in_the_business_zone(svc, cred, google, key_info, tomorrow_at):
    for i in range(5):
        who = ("ada@example.com",) if i % 2 == 0 else ("bob@example.com",)
        busy(google, tomorrow_at(9 + i), tomorrow_at(9 + i, 30), f"Visit {i}", who)
    busy(google, tomorrow_at(16), tomorrow_at(17), "About ada@example.com (not attending)", ("carol@example.com",))
    gone = busy(google, tomorrow_at(8), tomorrow_at(8, 30), "Cancelled visit", ("ada@example.com",))
    google.calendars[CAL]["events"][gone]["status"] = "cancelled"
    busy(google, datetime.now(UTC) + timedelta(days=20), datetime.now(UTC) + timedelta(days=20, hours=1), "Later",
         ("ada@example.com",))  # fmt: skip

    data = operation(cred, "list_events", attendee="{{ email }}", days_ahead=7, limit=10)
    turn = run(data, svc, {"email": "ADA@example.com"})

    assert turn.handle == "success", turn.error
    listed = turn.variables["result"]
    assert [e["title"] for e in listed] == ["Visit 0", "Visit 2", "Visit 4"]
    assert [e["start"] for e in listed] == [tomorrow_at(h).isoformat() for h in (9, 11, 13)]
    assert listed[0]["end"] == tomorrow_at(9, 30).isoformat() and listed[0]["attendees"] == ["ada@example.com"]
    assert listed[0]["time_zone"] == "America/New_York" and listed[0]["when"].endswith("at 09:00")
    assert turn.step.output["events"] == 3
    (query,) = google.calls("calendar.events.list")
    assert query["path"]["calendarId"] == CAL and query["query"]["singleEvents"] == "true"

    limited = run({**data, "attendee": "", "limit": 2}, Services(flow_id="flow-7"), {})
    assert [e["title"] for e in limited.variables["result"]] == ["Visit 0", "Visit 1"]
    assert_no_secrets(turn, google, key_info)


# -- errors --


def test_a_refused_oauth_client_is_a_sentence_on_the_error_handle(svc, google):
    cred = oauth(google, client_secret="GOCSPX-not-the-secret-1")

    turn = run(availability(cred), svc)

    assert turn.handle == "error" and turn.said == ["error"]
    host = google.base.removeprefix("http://")
    assert turn.error == (
        f"Google's token endpoint at {host} refused the refresh token of \"Dr Who's calendar\": "
        "invalid_client: The OAuth client was not found."
    )
    assert google.calls("calendar.freebusy.query") == []
    tokens = [x for x in turn.exchanges if x["request"]["url"].endswith("/token")]
    assert tokens and tokens[0]["response"]["status"] == 401
    shown = everything(turn)
    assert "GOCSPX-not-the-secret-1" not in shown and REFRESH_TOKEN not in shown
    assert "refresh_token" in shown  # the token request's form is on the step, its values masked


@pytest.fixture
def token_server(httpserver_ipv4):
    """A token endpoint of the test's own (the local Google's accepts or refuses with 400 only)."""
    yield httpserver_ipv4
    httpserver_ipv4.clear()


def test_delegation_refused_by_the_token_endpoint_with_401_is_a_sentence(svc, make_sa, google, key_info, token_server):
    # What Google answers when "Act as" names a user but the Workspace admin never granted the delegation.
    refused = {"error": "unauthorized_client", "error_description": "Client is unauthorized to retrieve access tokens "
               "using this method, or client not authorized for any of the scopes requested."}  # fmt: skip
    token_server.expect_request("/token", method="POST").respond_with_json(refused, status=401)
    key_info["token_uri"] = token_server.url_for("/token")

    turn = run(availability(make_sa(subject=FRONT_DESK)), svc)

    assert turn.handle == "error" and turn.said == ["error"]
    host = f"{token_server.host}:{token_server.port}"
    assert turn.error.startswith(f"Google's token endpoint at {host} refused the service account key of 'Google bot")
    assert turn.error.endswith(
        ": unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not "
        "authorized for any of the scopes requested."
    )
    (sent,) = [request for request, _response in token_server.log]
    assertion = sent.form["assertion"]
    assert sent.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert google.calls("calendar.freebusy.query") == []
    shown = everything(turn)
    assert assertion not in shown and assertion.split(".")[2] not in shown
    assert [x["response"]["status"] for x in turn.exchanges] == [401]
    for line in key_info["private_key"].splitlines()[1:4]:
        assert line not in shown


def test_a_service_account_key_google_does_not_know_is_a_sentence(svc, make_sa, google, key_info):
    google.public_keys.clear()  # the key was deleted in Google Cloud

    turn = run(availability(make_sa()), svc)

    assert turn.handle == "error" and turn.said == ["error"]
    host = google.base.removeprefix("http://")
    assert turn.error.startswith(f"Google's token endpoint at {host} refused the service account key of 'Google bot")
    assert turn.error.endswith("invalid_grant: Invalid JWT Signature.")
    assert google.calls("calendar.freebusy.query") == []
    assert_no_secrets(turn, google, key_info)


def test_a_403_from_calendar_is_a_sentence_on_the_error_handle(svc, cred, google, key_info):
    google.fail.append(("calendar.freebusy.query", 403, {}, _gerror(403, "forbidden", "Forbidden")))

    turn = run(availability(cred), svc)

    assert turn.handle == "error" and turn.said == ["error"]
    share = f" Share it with {FRONT_DESK}." if cred.kind == "google_service_account" else ""
    assert (
        turn.error
        == f"Google refused to read the free/busy times in the calendar {CAL!r} (HTTP 403: Forbidden).{share}"
    )
    assert len(google.calls("calendar.freebusy.query")) == 1  # a 403 is not retried
    assert_no_secrets(turn, google, key_info)


def test_the_nodes_retry_setting_governs_the_calendar_calls(svc, make_sa, google):
    unavailable = {"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}
    google.fail.append(("calendar.freebusy.query", 503, {}, unavailable))

    turn = run(availability(make_sa(), retry={"attempts": 1, "backoff_s": 0}), svc)

    sent = len(google.calls("calendar.freebusy.query"))
    assert sent == 1 and turn.handle == "error", (
        f"The node's retry setting says 1 attempt (send once) but free/busy was sent {sent} times and the turn took "
        f"the {turn.handle!r} handle: GoogleCalendarProvider builds its GoogleAccess in __init__ with the class "
        "defaults (timeout 15 s, Retry(3, 0.5)); the node sets provider.timeout_s / provider.retry afterwards, which "
        "nothing reads, so the node's Timeout and Retry settings are ignored for Google."
    )
    assert turn.error == (
        "Google answered HTTP 503 when asked to read the free/busy times: The service is currently unavailable."
    )


def test_a_403_on_booking_leaves_no_event_and_a_failed_record(svc, cred, google, key_info, tomorrow_at):
    message = "You need to have writer access to this calendar."
    google.fail.append(("calendar.events.insert", 403, {}, _gerror(403, "requiredAccessLevel", message)))
    variables = {"slot": {"start": tomorrow_at(10).isoformat()}, "name": "Ada", "email": "ada@example.com"}

    turn = run(booking(cred), svc, variables)

    assert turn.handle == "error" and turn.said == ["error"]
    assert turn.error.startswith(
        f"Google refused to create the event in the calendar {CAL!r} (HTTP 403: You need to have writer access to "
        "this calendar)."
    )
    assert google.calendars[CAL]["events"] == {}
    (record,) = CalendarBooking.objects.all()
    assert record.status == CalendarBooking.Status.FAILED and "HTTP 403" in record.error
    again = run(booking(cred), Services(flow_id="flow-7"), variables)  # the access fixed: the same turn books now
    assert again.handle == "success", again.error
    assert len(google.calendars[CAL]["events"]) == 1
    assert_no_secrets(turn, google, key_info)
