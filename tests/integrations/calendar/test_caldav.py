"""The calendar node on a real Radicale server: availability, booking once, moving, cancelling, listing, the check."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from integrations.checks import check
from integrations.models import CalendarBooking
from integrations.providers.calendars.base import stable_id
from integrations.services import Services
from tests.integrations.nodes.support import credential

from .conftest import PASSWORD, USER
from .support import everything, problems, run

LONDON = ZoneInfo("Europe/London")


def tomorrow_at(hour: int, minute: int = 0, tz=LONDON) -> datetime:
    day = datetime.now(tz).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def availability(cred, **extra):
    return {
        "credential": cred.pk,
        "operation": "check_availability",
        "time_zone": "Europe/London",
        "business_hours": "Daily 09:00-13:00",
        "duration_min": 60,
        "step_min": 60,
        "min_notice_min": 0,
        "days_ahead": 3,
        "max_slots": 50,
        "save_as": "slots",
        "save_summary_as": "slots_text",
        **extra,
    }


def booking(cred, **extra):
    return {
        "credential": cred.pk,
        "operation": "create_event",
        "time_zone": "Europe/London",
        "slot_variable": "slot",
        "title": "Consultation with {{ name }}",
        "attendees": "{{ email }}",
        "location": "Clinic, 1 High St",
        "description": "Booked by the chatbot",
        "save_as": "booking",
        **extra,
    }


def slot_at(start: datetime, minutes: int = 30) -> dict[str, str]:
    return {"start": start.isoformat(), "end": (start + timedelta(minutes=minutes)).isoformat(), "label": "x"}


# -- the connection check --


def test_check_signs_in_and_finds_the_named_calendar(dav_cred, dav):
    result = check(dav_cred)
    assert result.ok, result.message
    assert f"bookings go to {dav.name!r}" in result.message


def test_check_with_a_wrong_password_is_a_401_sentence(db, loopback, radicale, dav):
    cred = credential("Bad", "caldav", {"url": radicale, "username": USER}, {"password": "not-the-password"})
    result = check(cred)
    assert not result.ok
    assert result.message == "The CalDAV server at 127.0.0.1 refused the username or password (HTTP 401)."


def test_check_names_the_calendars_when_the_one_named_is_missing(db, loopback, radicale, dav):
    cred = credential(
        "Typo", "caldav", {"url": radicale, "username": USER, "calendar": "Apointments"}, {"password": PASSWORD}
    )
    result = check(cred)
    assert not result.ok
    assert "has no calendar named 'Apointments'" in result.message and repr(dav.name) in result.message


# -- availability --


def test_availability_uses_radicale_free_busy_in_the_business_zone(svc, dav_cred, dav):
    dav.add("busy-1", tomorrow_at(9).astimezone(UTC), tomorrow_at(12).astimezone(UTC))
    dav.add("free-1", tomorrow_at(12).astimezone(UTC), tomorrow_at(13).astimezone(UTC), transparent=True)
    turn = run(availability(dav_cred), svc)
    assert turn.handle == "available", turn.error
    day = tomorrow_at(0).date().isoformat()
    tomorrow = [s for s in turn.variables["slots"] if s["date"] == day]
    assert [s["time"] for s in tomorrow] == ["12:00"]  # 09-12 is busy; a transparent event blocks nothing
    assert tomorrow[0]["start"] == tomorrow_at(12).isoformat()  # with London's offset, not UTC's
    assert tomorrow[0]["label"] == f"{tomorrow_at(12):%a} 12:00"
    assert "12:00 on " in turn.variables["slots_text"]
    assert any(x["request"]["method"] == "REPORT" for x in turn.exchanges)  # the free-busy query, on the step


def test_no_free_slot_follows_unavailable(svc, dav_cred, dav):
    dav.add(
        "all-day",
        tomorrow_at(0).astimezone(UTC) - timedelta(days=1),
        tomorrow_at(0).astimezone(UTC) + timedelta(days=3),
    )
    turn = run(availability(dav_cred), svc)
    assert turn.handle == "unavailable", turn.error
    assert turn.variables["slots"] == []
    assert turn.said == ["unavailable"]


def test_buffers_apply_to_radicale_events(svc, dav_cred, dav):
    dav.add("busy-2", tomorrow_at(10).astimezone(UTC), tomorrow_at(11).astimezone(UTC))
    turn = run(availability(dav_cred, step_min=30, duration_min=30, buffer_before_min=30, buffer_after_min=60), svc)
    day = tomorrow_at(0).date().isoformat()
    assert [s["time"] for s in turn.variables["slots"] if s["date"] == day] == ["09:00", "12:00", "12:30"]


# -- booking --


def test_create_books_the_chosen_slot_with_a_stable_uid(svc, dav_cred, dav):
    start = tomorrow_at(10)
    variables = {"slot": slot_at(start), "name": "Ada", "email": "Ada@Example.com"}
    turn = run(booking(dav_cred), svc, variables)
    assert turn.handle == "success", turn.error
    saved = turn.variables["booking"]
    expected_key = f"calendar:flow-7:c-1:call:{start.astimezone(UTC).isoformat()}"
    assert saved["id"] == stable_id(expected_key)
    assert saved["start"] == start.isoformat() and saved["time_zone"] == "Europe/London"
    assert saved["when"].endswith("at 10:00") and saved["title"] == "Consultation with Ada"
    (event,) = dav.events()
    assert str(event["uid"]) == saved["id"]
    # Stored in UTC (no VTIMEZONE for the server to misread): the same instant.
    assert event.decoded("dtstart") == start and event.decoded("dtstart").utcoffset() == timedelta(0)
    assert "TZID" not in event.to_ical().decode()
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event.get("attendee")) == "mailto:ada@example.com"  # one attendee: a single value, not a list
    assert str(event["location"]) == "Clinic, 1 High St"
    put = next(x for x in turn.exchanges if x["request"]["method"] == "PUT")
    assert put["request"]["headers"]["If-None-Match"] == "*" and put["response"]["status"] == 201


def test_the_same_turn_run_again_books_once(svc, dav_cred, dav):
    variables = {"slot": slot_at(tomorrow_at(11)), "name": "Ada", "email": "ada@example.com"}
    first = run(booking(dav_cred), svc, variables)
    again = run(booking(dav_cred), Services(flow_id="flow-7"), variables)
    assert again.handle == "success" and again.variables["booking"]["id"] == first.variables["booking"]["id"]
    assert again.step.output["created"] is False and again.exchanges == []  # the booking record answered
    assert len(dav.events()) == 1
    # A crash after the event was made but before the record was finished: the server's copy is found, not doubled.
    CalendarBooking.objects.all().update(status="pending", event=None)
    third = run(booking(dav_cred), Services(flow_id="flow-7"), variables)
    assert third.step.output["created"] is False
    assert [x["response"]["status"] for x in third.exchanges if x["request"]["method"] == "PUT"] == [412]
    assert len(dav.events()) == 1
    assert CalendarBooking.objects.get().status == "booked"


def test_booking_a_cancelled_slot_again_makes_a_new_event(svc, dav_cred, dav):
    variables = {"slot": slot_at(tomorrow_at(15)), "name": "Ada", "email": "ada@example.com"}
    first = run(booking(dav_cred), svc, variables)
    event_id = first.variables["booking"]["id"]
    cancel = {"credential": dav_cred.pk, "operation": "cancel_event", "event_id": event_id}
    assert run(cancel, Services(flow_id="flow-7")).handle == "success"
    assert dav.events() == []
    # The same conversation books the same slot again: a real event, not the stored record of the cancelled one.
    again = run(booking(dav_cred), Services(flow_id="flow-7"), variables)
    assert again.handle == "success" and again.step.output["created"] is True
    (event,) = dav.events()
    assert str(event["uid"]) == event_id
    assert CalendarBooking.objects.get().status == "booked"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_attempts_book_once(loopback, radicale, dav):
    cred = credential(
        "Cal", "caldav", {"url": radicale, "username": USER, "calendar": dav.name}, {"password": PASSWORD}
    )
    variables = {"slot": slot_at(tomorrow_at(12)), "name": "Bo", "email": "bo@example.com"}
    barrier = threading.Barrier(2)
    turns = []

    def attempt():
        try:
            barrier.wait()
            turns.append(run(booking(cred), Services(flow_id="flow-7"), variables))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [t.handle for t in turns] == ["success", "success"], [t.error for t in turns]
    assert len({t.variables["booking"]["id"] for t in turns}) == 1
    assert len(dav.events()) == 1


def test_an_explicit_booking_key_is_used(svc, dav_cred, dav):
    data = booking(dav_cred, idempotency_key="order-{{ order }}")
    one = run(data, svc, {"slot": slot_at(tomorrow_at(9)), "order": "A17", "email": ""})
    # Another start with the same key: still the one booking (the key says what must not happen twice).
    two = run(data, Services(flow_id="flow-7"), {"slot": slot_at(tomorrow_at(10)), "order": "A17", "email": ""})
    assert one.variables["booking"]["id"] == two.variables["booking"]["id"] == stable_id("order-A17")
    assert len(dav.events()) == 1


def test_start_without_an_offset_is_read_in_the_business_zone(svc, dav_cred, dav):
    start = tomorrow_at(15, 30)
    turn = run(booking(dav_cred, slot_variable=None, start=start.strftime("%Y-%m-%dT%H:%M"), duration_min=45), svc)
    assert turn.handle == "success", turn.error
    (event,) = dav.events()
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=45)


# -- reschedule, cancel, list --


def test_reschedule_moves_the_event_and_cancel_deletes_it(svc, dav_cred, dav):
    made = run(booking(dav_cred), svc, {"slot": slot_at(tomorrow_at(9)), "email": "c@example.com"})
    event_id = made.variables["booking"]["id"]
    moved = run(
        {"credential": dav_cred.pk, "operation": "reschedule_event", "time_zone": "Europe/London",
         "event_id": "{{ booking.id }}", "slot_variable": "slot", "save_as": "booking"},
        svc,
        {"booking": made.variables["booking"], "slot": slot_at(tomorrow_at(14), 60)},
    )  # fmt: skip
    assert moved.handle == "success", moved.error
    assert moved.variables["booking"]["start"] == tomorrow_at(14).isoformat()
    (event,) = dav.events()
    assert event.decoded("dtstart") == tomorrow_at(14) and int(event["sequence"]) == 1
    cancel = {"credential": dav_cred.pk, "operation": "cancel_event", "event_id": event_id, "save_as": "cancelled"}
    assert run(cancel, svc).handle == "success"
    assert dav.events() == []
    again = run(cancel, svc)  # already gone: not an error
    assert again.handle == "success" and again.variables["cancelled"] == {"id": event_id, "cancelled": True}


def test_reschedule_of_an_unknown_event_is_a_sentence(svc, dav_cred, dav):
    turn = run(
        {"credential": dav_cred.pk, "operation": "reschedule_event", "event_id": "nope", "start": "2030-01-01T10:00"},
        svc,
    )
    assert turn.handle == "error"
    assert turn.error == "There is no event 'nope' in the calendar to reschedule."


def test_list_a_persons_upcoming_events(svc, dav_cred, dav):
    dav.add("e1", tomorrow_at(10).astimezone(UTC), tomorrow_at(11).astimezone(UTC), "Checkup", ["pat@example.com"])
    dav.add("e2", tomorrow_at(9).astimezone(UTC), tomorrow_at(10).astimezone(UTC), "Other", ["someone@example.com"])
    later = tomorrow_at(8) + timedelta(days=1)
    dav.add("e3", later.astimezone(UTC), later.astimezone(UTC) + timedelta(hours=1), "Follow-up", ["PAT@example.com"])
    turn = run(
        {"credential": dav_cred.pk, "operation": "list_events", "time_zone": "Europe/London",
         "attendee": "{{ email }}", "save_as": "events"},
        svc,
        {"email": "pat@example.com"},
    )  # fmt: skip
    assert turn.handle == "success", turn.error
    assert [(e["title"], e["start"]) for e in turn.variables["events"]] == [
        ("Checkup", tomorrow_at(10).isoformat()),
        ("Follow-up", (tomorrow_at(8) + timedelta(days=1)).isoformat()),
    ]


# -- failures and secrets --


def test_a_wrong_password_at_run_time_follows_error_and_no_secret_shows(db, svc, loopback, radicale, dav):
    cred = credential("Cal", "caldav", {"url": radicale, "username": USER}, {"password": "Wrong-Passw0rd-xyz"})
    turn = run(availability(cred), svc)
    assert turn.handle == "error"
    assert turn.error == "The CalDAV server at 127.0.0.1 refused the username or password (HTTP 401)."
    shown = everything(turn)
    assert turn.exchanges and "Wrong-Passw0rd-xyz" not in shown
    assert base64.b64encode(f"{USER}:Wrong-Passw0rd-xyz".encode()).decode() not in shown


def test_the_password_never_reaches_the_step_on_success(svc, dav_cred, dav):
    turn = run(booking(dav_cred), svc, {"slot": slot_at(tomorrow_at(9)), "email": "d@example.com"})
    shown = everything(turn)
    assert turn.handle == "success" and turn.exchanges
    assert PASSWORD not in shown and base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode() not in shown
    assert all(x["request"]["headers"].get("Authorization") == "Basic [redacted]" for x in turn.exchanges)


def test_every_request_passes_the_ssrf_guard(db, svc, loopback, radicale, dav):
    port = radicale.rsplit(":", 1)[1].strip("/")
    cred = credential("Cal", "caldav", {"url": f"http://127.0.0.2:{port}/", "username": USER}, {"password": PASSWORD})
    turn = run(availability(cred), svc)
    assert turn.handle == "error"
    assert turn.error.startswith("Could not list the calendars: ") and "127.0.0.2" in turn.error


def test_a_calendar_url_on_another_server_is_refused(svc, dav_cred, dav):
    turn = run(availability(dav_cred, calendar_id="https://evil.example.com/cal/"), svc)
    assert turn.handle == "error"
    assert "is not on the CalDAV server 127.0.0.1" in turn.error and turn.exchanges == []


def test_save_time_problems():
    assert problems({"operation": "check_availability"}) == {
        "credential": "Pick a calendar connection (a credential of a calendar kind)."
    }

    def named(data):  # the rest name a connection: only the problem under test is reported
        return problems({"credential": 1, **data})

    assert named({"operation": "check_availability", "business_hours": "weekdays", "time_zone": "Europe/Londn"}) == {
        "time_zone": "'Europe/Londn' is not a time zone name; use an IANA name such as Europe/London.",
        "business_hours": "'weekdays' is not understood; write days then times, such as \"Mon-Fri 09:00-17:00\".",
    }
    assert named({"operation": "create_event"}) == {
        "start": "Give the start time, or the variable holding the chosen slot."
    }
    assert named({"operation": "create_event", "start": "tomorrow", "attendees": "a@b.co, nope"}) == {
        "start": "'tomorrow' is not a date and time; give one such as 2026-03-10T10:00.",
        "attendees": "'nope' is not an email address.",
    }
    assert named({"operation": "cancel_event"}) == {"event_id": "Give the id of the event, such as {{ booking.id }}."}


def test_the_credentials_rate_limit_spaces_the_requests(db, svc, loopback, radicale, dav):
    settings = {"url": radicale, "username": USER, "calendar": dav.name, "rate_limit": "2/s"}
    cred = credential("Slow", "caldav", settings, {"password": PASSWORD})
    turn = run(availability(cred), svc)
    assert turn.handle == "available", turn.error
    assert len(turn.exchanges) >= 3
    assert sum(x.get("rate_wait_ms", 0) for x in turn.exchanges) >= 400  # the third request waited its turn
