"""Free appointment slots: business hours in the business's time zone, minus busy times and their buffers.

Pure functions, no I/O. Wall times are built per local date and converted to instants there, so a day with a DST
change has the hours it really has. Rules for wall times that do not map to exactly one instant:
- a time inside a spring-forward gap moves forward by the gap's length (01:30 becomes 02:30), as dateutil's
  resolve_imaginary does;
- a time that occurs twice (fall back) takes its first occurrence when it opens a range and its second when it
  closes one, so a range covers every instant the wall clock reads inside it.
Slots step through a range in absolute time (UTC) from its start, so no slot starts at a time that does not exist.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_CLAUSE = re.compile(r"^(?P<days>[A-Za-z][A-Za-z ,-]*?)\s+(?P<ranges>\d.*)$")

# weekday (0 = Monday) -> opening ranges as (start, end) minutes of the local day; end may be 1440 (midnight)
WeeklyHours = Mapping[int, tuple[tuple[int, int], ...]]


def zone(name: str) -> ZoneInfo:
    """The IANA time zone; ValueError with a sentence when the name is unknown."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name; use an IANA name such as Europe/London.") from None


def _minutes(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{text.strip()!r} is not a time; write times as 09:00 or 17:30.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{text.strip()!r} is not a time of day.")
    return hours * 60 + minutes


def _days(text: str) -> list[int]:
    found: list[int] = []
    for part in text.replace(" ", "").lower().split(","):
        if part in ("daily", "everyday"):
            found.extend(range(7))
            continue
        first, _, last = part.partition("-")
        try:
            a = DAYS.index(first[:3])
            b = DAYS.index(last[:3]) if last else a
        except ValueError:
            raise ValueError(
                f"{part!r} is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun or ranges like Mon-Fri."
            ) from None
        found.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return found


def parse_hours(text: str) -> dict[int, tuple[tuple[int, int], ...]]:
    """Business hours from text like "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00" (one clause per ; or line)."""
    hours: dict[int, list[tuple[int, int]]] = {}
    clauses = [c.strip() for c in re.split(r"[;\n]", text or "") if c.strip()]
    if not clauses:
        raise ValueError('Give the business hours, such as "Mon-Fri 09:00-17:00".')
    for clause in clauses:
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f'{clause!r} is not understood; write days then times, such as "Mon-Fri 09:00-17:00".')
        ranges = []
        for item in match.group("ranges").split(","):
            start, sep, end = item.strip().partition("-")
            if not sep:
                raise ValueError(f"{item.strip()!r} is not a time range; write it as 09:00-17:00.")
            a, b = _minutes(start), _minutes(end)
            if a >= b:
                raise ValueError(f"{item.strip()!r} ends before it starts; a range cannot cross midnight.")
            ranges.append((a, b))
        for day in _days(match.group("days")):
            hours.setdefault(day, []).extend(ranges)
    out: dict[int, tuple[tuple[int, int], ...]] = {}
    for day, ranges in hours.items():
        ranges.sort()
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            if start < end:
                raise ValueError(f"The hours given for {DAY_NAMES[day]} overlap.")
        out[day] = tuple(ranges)
    return out


def local_instant(day: date, minutes: int, tz: tzinfo, *, closing: bool = False) -> datetime:
    """The instant the wall clock reads `minutes` after midnight of `day` (see the module's rules for DST)."""
    return aware(datetime.combine(day, time()) + timedelta(minutes=minutes), tz, closing=closing)


def aware(naive: datetime, tz: tzinfo, *, closing: bool = False) -> datetime:
    """A wall time in tz as an instant: gaps move forward, repeated times take the first (or, closing, the second)."""
    first = naive.replace(tzinfo=tz)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return first  # in a gap: fold=0 reads it with the offset from before the change, i.e. moved forward
    return naive.replace(tzinfo=tz, fold=1) if closing else first


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching intervals joined, earliest first (instants compared, whatever their zones)."""
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals if e > s):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def label(start: datetime, tz: tzinfo, *, with_date: bool = False) -> str:
    """The start as "Tue 10:00" in the business zone ("Tue 10 Mar 10:00" with the date)."""
    local = start.astimezone(tz)
    day = DAYS[local.weekday()].capitalize()
    when = f"{day} {local.day} {MONTHS[local.month - 1]}" if with_date else day
    return f"{when} {local:%H:%M}"


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    def as_dict(self, tz: tzinfo, *, with_date: bool = False) -> dict[str, str]:
        local = self.start.astimezone(tz)
        return {
            "start": local.isoformat(),
            "end": self.end.astimezone(tz).isoformat(),
            "label": label(self.start, tz, with_date=with_date),
            "date": local.date().isoformat(),
            "time": f"{local:%H:%M}",
            "day": f"{DAY_NAMES[local.weekday()]} {local.day} {MONTHS[local.month - 1]}",
        }


def window(now: datetime, tz: tzinfo, days: int) -> tuple[datetime, datetime]:
    """From now to the end of the last local day of the window (today counts as the first)."""
    last = now.astimezone(tz).date() + timedelta(days=days)
    return now, local_instant(last, 0, tz)


def free_slots(
    busy: Iterable[tuple[datetime, datetime]],
    *,
    tz: tzinfo,
    hours: WeeklyHours,
    duration: timedelta,
    now: datetime,
    step: timedelta | None = None,
    buffer_before: timedelta = timedelta(0),
    buffer_after: timedelta = timedelta(0),
    min_notice: timedelta = timedelta(0),
    days: int = 7,
    max_slots: int = 10,
) -> list[Slot]:
    """Slots of `duration` inside business hours over `days` local days from now's, earliest first.

    A slot is free when it ends at least `buffer_before` before the next busy time starts and starts at least
    `buffer_after` after the last one ends; it starts no earlier than now + min_notice.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if duration <= timedelta(0):
        raise ValueError("The duration must be positive.")
    step = step if step and step > timedelta(0) else duration
    # Arithmetic on instants in UTC: Python adds a timedelta to a zoned datetime on the wall clock, across DST too.
    blocked = merge((s.astimezone(UTC) - buffer_before, e.astimezone(UTC) + buffer_after) for s, e in busy)
    starts = [s for s, _ in blocked]
    earliest = now.astimezone(UTC) + min_notice
    today = now.astimezone(tz).date()
    found: list[Slot] = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for open_min, close_min in hours.get(day.weekday(), ()):
            opens = local_instant(day, open_min, tz).astimezone(UTC)
            closes = local_instant(day, close_min, tz, closing=True).astimezone(UTC)
            start = opens
            while start + duration <= closes:
                end = start + duration
                if start >= earliest and not _overlaps(blocked, starts, start, end):
                    found.append(Slot(start, end))
                    if len(found) >= max_slots:
                        return found
                start += step
    return found


def _overlaps(blocked: list[tuple[datetime, datetime]], starts: list[datetime], start: datetime, end: datetime) -> bool:
    i = bisect.bisect_left(starts, end)  # intervals starting before the slot ends
    return i > 0 and blocked[i - 1][1] > start


def slot_dicts(slots: list[Slot], tz: tzinfo, days: int) -> list[dict[str, str]]:
    """Slots as the flow stores them; labels carry the date when the window is longer than a week (no repeats)."""
    return [slot.as_dict(tz, with_date=days > 7) for slot in slots]


def summary(slots: list[Slot], tz: tzinfo, *, with_date: bool = False) -> str:
    """The slots as a bot says them: "10:00, 10:30 or 14:00 on Tuesday; 09:00 on Wednesday"."""
    days: dict[date, list[str]] = {}
    for slot in slots:
        local = slot.start.astimezone(tz)
        days.setdefault(local.date(), []).append(f"{local:%H:%M}")
    parts = []
    for day, times in days.items():
        said = times[0] if len(times) == 1 else f"{', '.join(times[:-1])} or {times[-1]}"
        name = DAY_NAMES[day.weekday()] + (f" {day.day} {MONTHS[day.month - 1]}" if with_date else "")
        parts.append(f"{said} on {name}")
    return "; ".join(parts)
