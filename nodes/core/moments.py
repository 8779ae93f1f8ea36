"""Durations (`90s`, `15m`, `2h`, `3d`, `1h30m`), moments in the flow's time zone, and business-hours openings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from integrations.providers.calendars import slots

_PART = re.compile(r"(\d+)\s*([smhd])")
_WHOLE = re.compile(r"^\s*(\d+\s*[smhd]\s*)+$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = timedelta(days=366)
DURATION_HELP = "Write a duration as a number and a unit: 90s, 15m, 2h, 3d (or 1h30m)."


def duration(text: str) -> timedelta:
    """The duration written as `90s`, `15m`, `2h`, `3d` or combined (`1h30m`); ValueError with a sentence if not."""
    if not _WHOLE.match(text or ""):
        raise ValueError(f"{text!r} is not a duration. {DURATION_HELP}")
    total = timedelta(seconds=sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text.lower())))
    if total <= timedelta(0):
        raise ValueError(f"{text!r} is no time at all; the duration must be at least 1s.")
    if total > MAX_DURATION:
        raise ValueError(f"{text!r} is longer than a year; the longest duration is 366d.")
    return total


def moment(text: str, time_zone: str) -> datetime:
    """An ISO date-time (or date); without an offset it is read in the flow's time zone. ValueError if not one."""
    value = (text or "").strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date and time; write it as 2026-12-24T18:00 (in the flow's time zone) "
            "or with an offset, 2026-12-24T18:00+01:00."
        ) from None
    if parsed.tzinfo is None:
        parsed = slots.aware(parsed, ZoneInfo(time_zone))
    return parsed.astimezone(UTC)


def next_open(when: datetime, hours: slots.WeeklyHours, time_zone: str) -> datetime:
    """The first instant at or after `when` inside the business hours (read in the time zone, DST included)."""
    tz = ZoneInfo(time_zone)
    local_day = when.astimezone(tz).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        for open_min, close_min in sorted(hours.get(day.weekday(), ())):
            opens = slots.local_instant(day, open_min, tz)
            closes = slots.local_instant(day, close_min, tz, closing=True)
            if closes > when:
                return max(opens, when).astimezone(UTC)
    raise ValueError("The business hours have no opening in a week.")
