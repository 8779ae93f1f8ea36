"""The Google Calendar provider: the real googleapiclient (static discovery) against a local Calendar v3 API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from integrations.credentials import resolve
from integrations.providers import calendars
from integrations.providers.calendars import CalendarError, EventSpec
from integrations.providers.calendars.base import stable_id

from .conftest import EMAIL

pytestmark = pytest.mark.django_db

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
CAL = "clinic@group.calendar.google.com"


@pytest.fixture
def clinic(google):
    google.calendar(CAL, "Clinic", "Europe/Paris")
    return google


@pytest.fixture
def provider(clinic, make_sa, svc):
    def make(calendar_id: str = CAL, **settings):
        cred = resolve(make_sa(**settings))
        return calendars.provider(cred, svc, calendar_id)

    return make


def spec(key: str = "conv-1:book", start: datetime | None = None, **kw) -> EventSpec:
    start = start or datetime(2025, 3, 11, 10, 0, tzinfo=PARIS)
    fields = {"title": "Consultation", "start": start, "end": start + timedelta(minutes=30),
              "time_zone": "Europe/Paris", "idempotency_key": key, **kw}  # fmt: skip
    return EventSpec(**fields)


def test_create_books_an_event_whose_id_comes_from_the_idempotency_key(provider, clinic):
    event = provider().create(spec(description="First visit", location="Room 2"))

    assert event.created and event.id == stable_id("conv-1:book")
    stored = clinic.calendars[CAL]["events"][event.id]
    assert stored["start"] == {"dateTime": "2025-03-11T10:00:00+01:00", "timeZone": "Europe/Paris"}
    assert stored["summary"] == "Consultation" and stored["location"] == "Room 2"
    assert event.start == datetime(2025, 3, 11, 9, 0, tzinfo=UTC) and event.start.utcoffset() == timedelta(hours=1)
    (insert,) = clinic.calls("calendar.events.insert")
    assert insert["path"]["calendarId"] == CAL and insert["query"]["sendUpdates"] == "all"
    assert insert["claims"]["scope"] == "https://www.googleapis.com/auth/calendar"


def test_a_retried_create_answers_409_and_returns_the_event_already_booked(provider, clinic):
    cal = provider()
    first = cal.create(spec())
    again = cal.create(spec(title="Consultation (retried)"))

    assert again.created is False and again.id == first.id and again.title == "Consultation"
    assert len(clinic.calendars[CAL]["events"]) == 1
    assert [r["method"] for r in clinic.requests][-2:] == ["calendar.events.insert", "calendar.events.get"]


def test_a_cancelled_booking_made_again_with_the_same_key_is_restored(provider, clinic):
    cal = provider()
    first = cal.create(spec())
    cal.cancel(first.id)

    again = cal.create(spec(start=datetime(2025, 3, 12, 15, 0, tzinfo=PARIS)))

    assert again.created and clinic.calendars[CAL]["events"][first.id]["status"] == "confirmed"
    assert again.start == datetime(2025, 3, 12, 15, 0, tzinfo=PARIS)


def test_times_in_another_zone_keep_their_instant_across_a_dst_change(provider, clinic):
    # 9 March 2025: New York is on summer time, Paris not yet (the gap is 5 h, not 6).
    start = datetime(2025, 3, 10, 10, 0, tzinfo=NEW_YORK)
    event = provider().create(spec("ny", start=start, time_zone="America/New_York"))

    stored = clinic.calendars[CAL]["events"][event.id]
    assert stored["start"] == {"dateTime": "2025-03-10T10:00:00-04:00", "timeZone": "America/New_York"}
    busy = provider().busy(datetime(2025, 3, 10, 0, 0, tzinfo=PARIS), datetime(2025, 3, 11, 0, 0, tzinfo=PARIS))
    assert busy == [(start, start + timedelta(minutes=30))]
    assert busy[0][0].astimezone(PARIS).hour == 15


def test_busy_lists_the_booked_intervals_inside_the_window(provider, clinic):
    cal = provider()
    cal.create(spec("a", start=datetime(2025, 3, 11, 9, 0, tzinfo=PARIS)))
    cal.create(spec("b", start=datetime(2025, 3, 11, 16, 45, tzinfo=PARIS)))
    cal.create(spec("c", start=datetime(2025, 3, 12, 9, 0, tzinfo=PARIS)))

    busy = cal.busy(datetime(2025, 3, 11, 8, 0, tzinfo=PARIS), datetime(2025, 3, 11, 17, 0, tzinfo=PARIS))

    assert sorted(busy) == [
        (datetime(2025, 3, 11, 8, 0, tzinfo=UTC), datetime(2025, 3, 11, 8, 30, tzinfo=UTC)),
        (datetime(2025, 3, 11, 15, 45, tzinfo=UTC), datetime(2025, 3, 11, 16, 0, tzinfo=UTC)),
    ]
    assert all(b[0].tzinfo is not None for b in busy)


def test_busy_on_a_calendar_not_shared_says_whom_to_share_it_with(provider):
    with pytest.raises(CalendarError) as caught:
        provider("someone@example.com").busy(datetime(2025, 3, 11, tzinfo=UTC), datetime(2025, 3, 12, tzinfo=UTC))

    assert str(caught.value) == (
        f"Google found no calendar 'someone@example.com'. Share it with {EMAIL} (at least free/busy)."
    )


def test_reschedule_moves_the_event_and_a_missing_one_is_an_error(provider, clinic):
    cal = provider()
    event = cal.create(spec())
    later = datetime(2025, 3, 11, 14, 0, tzinfo=PARIS)

    moved = cal.reschedule(event.id, later, later + timedelta(hours=1))

    assert moved.start == later and moved.end == later + timedelta(hours=1)
    assert clinic.calendars[CAL]["events"][event.id]["start"]["dateTime"] == "2025-03-11T14:00:00+01:00"
    with pytest.raises(CalendarError, match=r"There is no event 'nope0' in the calendar .* to move\."):
        cal.reschedule("nope0", later, later + timedelta(hours=1))


def test_cancel_deletes_and_cancelling_again_or_an_unknown_event_is_fine(provider, clinic):
    cal = provider()
    event = cal.create(spec())

    cal.cancel(event.id)
    cal.cancel(event.id)  # 410 Gone
    cal.cancel("neverexisted")  # 404

    assert clinic.calendars[CAL]["events"][event.id]["status"] == "cancelled"
    assert [r["method"] for r in clinic.requests].count("calendar.events.delete") == 3


def test_upcoming_lists_a_persons_events_in_order(provider, clinic):
    cal = provider(subject="frontdesk@clinic.example")
    day = datetime(2025, 3, 11, 9, 0, tzinfo=PARIS)
    for i in range(6):
        who = ("ada@example.com",) if i % 2 == 0 else ("bob@example.com",)
        cal.create(spec(f"k{i}", start=day + timedelta(days=5 - i), attendees=who, title=f"Visit {i}"))
    cal.create(spec("gone", start=day, attendees=("ada@example.com",)))
    cal.cancel(stable_id("gone"))

    ada = cal.upcoming(day - timedelta(days=1), day + timedelta(days=30), attendee="ADA@example.com", limit=2)
    everyone = cal.upcoming(day - timedelta(days=1), day + timedelta(days=30), limit=10)

    assert [e.title for e in ada] == ["Visit 4", "Visit 2"]
    assert ada[0].start == day + timedelta(days=1) and ada[0].attendees == ["ada@example.com"]
    assert [e.title for e in everyone] == [f"Visit {i}" for i in (5, 4, 3, 2, 1, 0)]
    listed = clinic.calls("calendar.events.list")
    assert listed[0]["query"]["singleEvents"] == "true" and listed[0]["query"]["orderBy"] == "startTime"
    assert listed[0]["query"]["q"] == "ada@example.com"


def test_upcoming_pages_through_results(provider, clinic, monkeypatch):
    cal = provider(subject="frontdesk@clinic.example")
    day = datetime(2025, 3, 11, 9, 0, tzinfo=PARIS)
    for i in range(3):
        cal.create(spec(f"p{i}", start=day + timedelta(hours=i), attendees=("ada@example.com",)))
    monkeypatch.setattr("integrations.providers.calendars.google.PAGE_SIZE", 2)

    found = cal.upcoming(day, day + timedelta(days=1), attendee="ada@example.com", limit=10)

    assert len(found) == 3 and len(clinic.calls("calendar.events.list")) == 2


def test_attendees_need_delegation_with_a_service_account(provider, clinic):
    with pytest.raises(CalendarError, match=r"^Google does not let a service account invite attendees unless it acts"):
        provider().create(spec(attendees=("ada@example.com",)))
    cal = provider(subject="frontdesk@clinic.example")
    event = cal.create(spec(attendees=("ada@example.com",)))
    assert event.attendees == ["ada@example.com"]
    assert clinic.calls("calendar.events.insert")[-1]["claims"]["sub"] == "frontdesk@clinic.example"


def test_check_opens_the_calendar(provider):
    assert provider().check() == f"Opened the calendar 'Clinic' (time zone Europe/Paris) as {EMAIL}."


def test_an_oauth_credential_uses_its_refresh_token_and_the_kind_check_runs_the_provider(clinic, make_oauth, svc):
    clinic.calendar("primary", "Dr Who", "Europe/London")
    good = make_oauth()
    bad = make_oauth("Revoked", refresh_token="1//old")

    from integrations.checks import check

    ok = check(good)
    failed = check(bad)

    assert ok.ok and ok.message == "Opened the calendar 'Dr Who' (time zone Europe/London)."
    assert clinic.grants[0]["form"]["grant_type"] == "refresh_token"
    assert not failed.ok
    assert failed.message.startswith(
        f"Google's token endpoint at {clinic.base.removeprefix('http://')} refused the refresh token of 'Revoked': "
        "invalid_grant: Token has been expired or revoked"
    )
    assert "1//old" not in failed.message and "secret-xyz" not in failed.message
