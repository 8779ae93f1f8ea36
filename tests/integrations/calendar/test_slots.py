"""Slot computation: business hours in the business's zone, across DST changes and time zones, buffers, notice."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from integrations.providers.calendars import slots

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
MIN = timedelta(minutes=1)


def starts(found, tz):
    return [s.start.astimezone(tz).strftime("%a %d %H:%M %z") for s in found]


def test_hours_parse_days_ranges_and_several_ranges_a_day():
    hours = slots.parse_hours("Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00")
    assert hours[0] == ((540, 720), (780, 1020))
    assert hours[5] == ((600, 840),)
    assert 6 not in hours
    assert slots.parse_hours("Fri-Mon 08:00-24:00")[6] == ((480, 1440),)  # a range of days wraps the weekend


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Give the business hours"),
        ("Mon-Fri", "not understood"),
        ("Mon-Fri 09:00", "not a time range"),
        ("Mon-Fri 9-17", "not a time; write times as 09:00"),
        ("Mon-Fri 17:00-09:00", "ends before it starts"),
        ("Mon 09:00-12:00, 11:00-13:00", "overlap"),
        ("Mo-Fr 09:00-17:00", "is not a day"),
        ("Mon 25:00-26:00", "not a time of day"),
    ],
)
def test_hours_that_cannot_be_read_say_why(text, says):
    with pytest.raises(ValueError, match=says):
        slots.parse_hours(text)


def test_unknown_zone_is_a_sentence():
    with pytest.raises(ValueError, match="not a time zone name"):
        slots.zone("Mars/Olympus")


def test_slots_step_through_business_hours_in_the_business_zone():
    now = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # Monday 07:00 UTC = 16:00 in Tokyo
    found = slots.free_slots(
        [], tz=TOKYO, hours=slots.parse_hours("Mon-Fri 09:00-17:00"), duration=30 * MIN, now=now, days=2, max_slots=5
    )
    assert starts(found, TOKYO) == [
        "Mon 09 16:00 +0900",
        "Mon 09 16:30 +0900",
        "Tue 10 09:00 +0900",
        "Tue 10 09:30 +0900",
        "Tue 10 10:00 +0900",
    ]
    assert found[0].as_dict(TOKYO) == {
        "start": "2026-03-09T16:00:00+09:00",
        "end": "2026-03-09T16:30:00+09:00",
        "label": "Mon 16:00",
        "date": "2026-03-09",
        "time": "16:00",
        "day": "Monday 9 Mar",
    }


def test_busy_times_in_utc_block_the_right_local_slots():
    now = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo
    busy = [(datetime(2026, 3, 9, 1, 0, tzinfo=UTC), datetime(2026, 3, 9, 2, 0, tzinfo=UTC))]  # 10:00-11:00 Tokyo
    found = slots.free_slots(
        busy, tz=TOKYO, hours=slots.parse_hours("Mon 09:00-12:00"), duration=30 * MIN, now=now, days=1
    )
    assert [s.as_dict(TOKYO)["time"] for s in found] == ["09:00", "09:30", "11:00", "11:30"]


def test_busy_times_in_any_zone_are_merged():
    now = datetime(2026, 3, 9, 8, 0, tzinfo=LONDON)
    busy = [
        (datetime(2026, 3, 9, 5, 0, tzinfo=NEW_YORK), datetime(2026, 3, 9, 5, 30, tzinfo=NEW_YORK)),  # 09:00-09:30 GMT
        (datetime(2026, 3, 9, 9, 15, tzinfo=UTC), datetime(2026, 3, 9, 10, 15, tzinfo=UTC)),
    ]
    assert slots.merge(busy) == [(datetime(2026, 3, 9, 9, 0, tzinfo=UTC), datetime(2026, 3, 9, 10, 15, tzinfo=UTC))]
    found = slots.free_slots(
        busy, tz=LONDON, hours=slots.parse_hours("Mon 09:00-12:00"), duration=30 * MIN, now=now, days=1
    )
    assert [s.as_dict(LONDON)["time"] for s in found] == ["10:30", "11:00", "11:30"]


def test_buffers_keep_free_time_around_busy_events():
    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    busy = [(datetime(2026, 3, 9, 11, 0, tzinfo=UTC), datetime(2026, 3, 9, 12, 0, tzinfo=UTC))]
    found = slots.free_slots(
        busy,
        tz=UTC,
        hours=slots.parse_hours("Mon 09:00-14:00"),
        duration=30 * MIN,
        now=now,
        days=1,
        buffer_before=15 * MIN,
        buffer_after=30 * MIN,
    )
    # 10:30-11:00 would end 0 min before the event (15 wanted); 12:00 and 12:15 start within 30 min of its end
    assert [s.as_dict(UTC)["time"] for s in found] == ["09:00", "09:30", "10:00", "12:30", "13:00", "13:30"]


def test_minimum_notice_and_max_slots():
    now = datetime(2026, 3, 9, 9, 10, tzinfo=UTC)
    found = slots.free_slots(
        [],
        tz=UTC,
        hours=slots.parse_hours("Daily 09:00-17:00"),
        duration=60 * MIN,
        step=30 * MIN,
        now=now,
        min_notice=120 * MIN,
        days=1,
        max_slots=3,
    )
    assert [s.as_dict(UTC)["time"] for s in found] == ["11:30", "12:00", "12:30"]  # 11:10 at the earliest, on the grid


def test_london_autumn_change_gives_the_day_its_extra_hour():
    # Last Sunday of October 2026: 02:00 BST becomes 01:00 GMT, so 00:00-04:00 wall time lasts five hours.
    now = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    found = slots.free_slots(
        [], tz=LONDON, hours=slots.parse_hours("Sun 00:00-04:00"), duration=60 * MIN, now=now, days=3, max_slots=10
    )
    assert starts(found, LONDON) == [
        "Sun 25 00:00 +0100",
        "Sun 25 01:00 +0100",
        "Sun 25 01:00 +0000",  # the repeated hour, as the wall clock reads it the second time
        "Sun 25 02:00 +0000",
        "Sun 25 03:00 +0000",
    ]
    # Business hours after the change are in GMT: 09:00 London is 09:00 UTC on Monday, 08:00 UTC on Friday before.
    hours = slots.parse_hours("Fri,Mon 09:00-10:00")
    week = slots.free_slots([], tz=LONDON, hours=hours, duration=60 * MIN, now=now - timedelta(days=2), days=5)
    assert [s.start.astimezone(UTC).strftime("%a %H:%M") for s in week] == ["Fri 08:00", "Mon 09:00"]


def test_new_york_spring_change_skips_the_missing_hour():
    # Second Sunday of March 2026: 02:00 EST jumps to 03:00 EDT.
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    hours = slots.parse_hours("Sun 01:00-05:00")
    found = slots.free_slots([], tz=NEW_YORK, hours=hours, duration=60 * MIN, now=now, days=2)
    assert starts(found, NEW_YORK) == ["Sun 08 01:00 -0500", "Sun 08 03:00 -0400", "Sun 08 04:00 -0400"]
    # A range opening inside the gap opens at the wall time moved forward by the gap (02:30 -> 03:30).
    gap = slots.free_slots(
        [], tz=NEW_YORK, hours=slots.parse_hours("Sun 02:30-05:00"), duration=30 * MIN, now=now, days=2
    )
    assert starts(gap, NEW_YORK)[0] == "Sun 08 03:30 -0400"
    assert all(s.end - s.start == 30 * MIN for s in gap)


def test_a_busy_event_across_the_change_blocks_by_instant():
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    busy = [(datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC))]  # 01:30 EST-03:30 EDT
    found = slots.free_slots(
        busy, tz=NEW_YORK, hours=slots.parse_hours("Sun 00:00-05:00"), duration=30 * MIN, now=now, days=2
    )
    assert starts(found, NEW_YORK) == [
        "Sun 08 00:00 -0500",
        "Sun 08 00:30 -0500",
        "Sun 08 01:00 -0500",
        "Sun 08 03:30 -0400",
        "Sun 08 04:00 -0400",
        "Sun 08 04:30 -0400",
    ]


def test_labels_and_summary_in_the_business_zone():
    tz = ZoneInfo("Europe/Paris")
    now = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # Monday
    busy = [(datetime(2026, 3, 10, 9, 30, tzinfo=UTC), datetime(2026, 3, 10, 13, 0, tzinfo=UTC))]  # Tue 10:30-14:00
    found = slots.free_slots(
        busy, tz=tz, hours=slots.parse_hours("Tue 10:00-15:00; Wed 09:00-09:30"), duration=30 * MIN, now=now, days=3
    )
    assert [d["label"] for d in slots.slot_dicts(found, tz, 3)] == ["Tue 10:00", "Tue 14:00", "Tue 14:30", "Wed 09:00"]
    assert slots.summary(found, tz) == "10:00, 14:00 or 14:30 on Tuesday; 09:00 on Wednesday"
    assert slots.slot_dicts(found, tz, 14)[0]["label"] == "Tue 10 Mar 10:00"  # longer windows repeat weekdays


def test_window_ends_at_local_midnight():
    now = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # already Tuesday 07:00 in Tokyo
    start, end = slots.window(now, TOKYO, 2)
    assert start == now
    assert end == datetime(2026, 3, 12, 0, 0, tzinfo=TOKYO)
