"""CalDAV calendars (Apple iCloud, Nextcloud, Fastmail, Radicale...) through the caldav library and the guarded client.

Busy times come from a CALDAV:free-busy-query REPORT (RFC 4791 7.10), which Radicale, Nextcloud and iCloud answer;
a server that refuses it is asked for the events instead (calendar-query with expansion) and their opaque ones are
counted. Events are created with UID = stable_id(idempotency key) at <calendar>/<uid>.ics by a PUT with
If-None-Match: *, so a second attempt is refused by the server (412) and finds the one the first made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import icalendar
from caldav.lib import error as dav_error

from integrations.errors import OutboundError
from integrations.providers.transports.caldav import last_status

from .base import CalendarError, Event, EventSpec, Provider, stable_id

ICS_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//FlowBuilder//Calendar node//EN"
T = TypeVar("T")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def _instant(value: Any) -> datetime:
    """A DTSTART/DTEND value as an aware datetime: floating times read as UTC, all-day dates as their UTC midnight."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    raise CalendarError("The calendar returned an event without a start time.")


def _address(value: Any) -> str:
    text = str(value)
    return text[7:] if text.lower().startswith("mailto:") else text


def _event(component: Any, link: str = "", created: bool = True) -> Event:
    start = _instant(component.decoded("dtstart"))
    if component.get("dtend") is not None:
        end = _instant(component.decoded("dtend"))
    elif component.get("duration") is not None:
        end = start + component.decoded("duration")
    else:
        end = start
    attendees = component.get("attendee") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    return Event(
        id=str(component.get("uid", "")),
        title=str(component.get("summary", "")),
        start=start,
        end=end,
        attendees=[_address(a) for a in attendees],
        location=str(component.get("location", "")),
        description=str(component.get("description", "")),
        link=link,
        created=created,
    )


def _vevents(data: str | bytes) -> list[Any]:
    try:
        return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    except ValueError:
        raise CalendarError("The calendar server returned an event that is not valid iCalendar.") from None


class CalDavProvider(Provider):
    """A CalDAV calendar: settings url, username, calendar (display name or URL); secret password."""

    def __init__(self, cred: Any, services: Any, calendar_id: str = ""):
        super().__init__(cred, services, calendar_id)
        self.url = str(cred.settings.get("url") or "").strip()
        self.host = urlsplit(self.url).hostname or self.url
        self._dav: Any = None
        self._calendar: Any = None  # a caldav Calendar (its methods are typed for sync and async clients alike)

    # -- plumbing --

    @property
    def dav(self) -> Any:
        if self._dav is None:
            # The kind signs in (basic auth) and sends through the run's guarded client.
            self._dav = self.services.client_for(
                self.cred, timeout_s=self.timeout_s, retry=self.retry, rate_keys=tuple(self.rate_keys())
            )
        return self._dav

    @contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """Library and transport failures as one plain sentence naming what was being done."""
        try:
            yield
        except CalendarError:
            raise
        except OutboundError as exc:
            raise CalendarError(f"Could not {doing}: {exc}") from None
        except dav_error.AuthorizationError:
            # caldav 1.x raises this for 401 and 403 alike, without the status: the adapter saw the answer.
            if last_status(self.dav) == 403:
                raise CalendarError(f"The CalDAV server at {self.host} refused to let this account {doing}.") from None
            raise CalendarError(
                f"The CalDAV server at {self.host} refused the username or password (HTTP 401)."
            ) from None
        except dav_error.NotFoundError:
            raise CalendarError(f"Could not {doing}: the CalDAV server at {self.host} has no such resource.") from None
        except dav_error.DAVError:
            code = last_status(self.dav)
            status = f" (HTTP {code})" if code and code >= 400 else ""
            raise CalendarError(f"Could not {doing}: the CalDAV server at {self.host} refused{status}.") from None
        except (ValueError, KeyError) as exc:
            raise CalendarError(f"Could not {doing}: the CalDAV server's answer was not understood ({exc}).") from None

    def _call(self, doing: str, fn: Callable[[], T]) -> T:
        with self._talking(doing):
            return fn()
        raise AssertionError("unreachable")  # _talking re-raises every failure

    def calendar(self) -> Any:
        """The calendar named by the node (or else the credential): a URL, a display name, or the first one."""
        if self._calendar is not None:
            return self._calendar
        wanted = (self.calendar_id or str(self.cred.settings.get("calendar") or "")).strip()
        if "/" in wanted:
            parts = urlsplit(wanted)
            if (
                parts.query
                or parts.fragment
                or "?" in wanted
                or "#" in wanted
                or any(segment in (".", "..") for segment in parts.path.split("/"))
            ):
                raise CalendarError(
                    f"The calendar URL {wanted!r} has a '..', '?' or '#'; give the calendar's own path."
                )
            url = urljoin(self.url, wanted)
            # The password goes with every request: never to a calendar on another server than the credential's.
            if _origin(url) != _origin(self.url):
                raise CalendarError(
                    f"The calendar URL {wanted!r} is not on the CalDAV server {self.host}; give a path on that server."
                )
            self._calendar = self.dav.calendar(url=url)
        else:
            calendars = self._call("list the calendars", lambda: self.dav.principal().calendars())
            self._calendar = self._pick(calendars, wanted)
        return self._calendar

    def _pick(self, calendars: list[Any], wanted: str) -> Any:
        if not calendars:
            raise CalendarError(f"The CalDAV account on {self.host} has no calendar.")
        if not wanted:
            return calendars[0]
        names = [str(self._call("read the calendar names", c.get_display_name) or "") for c in calendars]
        for cal, name in zip(calendars, names, strict=True):
            if name.casefold() == wanted.casefold():
                return cal
        shown = ", ".join(repr(n) for n in names if n) or "none with a name"
        raise CalendarError(f"The CalDAV account on {self.host} has no calendar named {wanted!r} (it has {shown}).")

    def _href(self, uid: str) -> str:
        # Encoded whole, so an id with "?" or "#" stays the event's file name (ours are hex, unchanged by this).
        return str(self.calendar().url.join(f"{quote(uid, safe='@')}.ics"))

    def _get(self, href: str) -> tuple[Any, str] | None:
        """The event component at href and its ETag; None when there is none."""
        response = self._call("read the event", lambda: self.dav.request(href, "GET"))
        if response.status == 404:
            return None
        if not 200 <= response.status < 300:
            raise CalendarError(f"Reading the event from {self.host} failed (HTTP {response.status}).")
        events = _vevents(response._raw)
        if not events:
            return None
        return events[0], str(response.headers.get("etag") or "")

    def _find(self, event_id: str) -> tuple[str, Any, str] | None:
        """(href, component, etag) of the event with this UID: at <uid>.ics as we store them, else by a UID search."""
        if "/" in event_id or not event_id.strip():
            raise CalendarError(f"{event_id!r} is not an event id.")
        href = self._href(event_id)
        found = self._get(href)
        if found is None:
            cal = self.calendar()

            def lookup() -> Any:
                try:
                    return cal.event_by_uid(event_id)
                except dav_error.NotFoundError:
                    return None

            obj = self._call("find the event", lookup)
            if obj is None:
                return None
            href = str(obj.url)
            found = self._get(href)
            if found is None:
                return None
        return href, found[0], found[1]

    def _put(self, href: str, component: Any, headers: dict[str, str]) -> int:
        body = icalendar.Calendar()
        body.add("prodid", PRODID)
        body.add("version", "2.0")
        body.add_component(component)
        body.add_missing_timezones()
        response = self._call(
            "save the event",
            lambda: self.dav.put(href, body.to_ical().decode(), headers={"Content-Type": ICS_TYPE, **headers}),
        )
        return int(response.status)

    # -- the interface --

    def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        cal = self.calendar()

        def query() -> Any:
            try:
                return cal.freebusy_request(start, end)
            except dav_error.AuthorizationError:
                raise
            except dav_error.DAVError:
                return None  # a server without free-busy-query: its events are read instead

        answer = self._call("read free/busy times", query)
        try:
            # caldav 1.x hands over whatever body came back: a server that answered the REPORT with an empty
            # body or a multistatus instead of a VFREEBUSY is asked for its events.
            found = icalendar.Calendar.from_ical(answer.data) if answer is not None and answer.data else None
        except ValueError:
            found = None
        if found is None:
            return self._busy_from_events(start, end)
        periods: list[tuple[datetime, datetime]] = []
        for component in found.walk("VFREEBUSY"):
            lines = component.get("freebusy") or []
            for line in lines if isinstance(lines, list) else [lines]:
                if str(line.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                    continue
                for period in line.dt if isinstance(line.dt, list) else [line.dt]:
                    first, second = period
                    until = first + second if isinstance(second, timedelta) else second
                    periods.append((_instant(first), _instant(until)))
        return periods

    def _busy_from_events(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        cal = self.calendar()
        found = self._call("search the events", lambda: cal.search(start=start, end=end, event=True, expand=True))
        out = []
        for obj in found:
            for component in _vevents(obj.data):
                if str(component.get("transp", "OPAQUE")).upper() != "TRANSPARENT":
                    event = _event(component)
                    out.append((event.start, event.end))
        return out

    def create(self, spec: EventSpec) -> Event:
        uid = stable_id(spec.idempotency_key)
        href = self._href(uid)
        component = icalendar.Event()
        component.add("uid", uid)
        component.add("dtstamp", datetime.now(UTC))
        # Written in UTC, with no VTIMEZONE: Radicale's parser (vobject) reads icalendar's generated zone
        # definitions wrongly (Europe/London as +01:00 all year), which showed a winter booking as free again.
        # Calendar apps show UTC times in their own zone, so nothing is lost for people.
        component.add("dtstart", spec.start.astimezone(UTC))
        component.add("dtend", spec.end.astimezone(UTC))
        component.add("summary", spec.title)
        if spec.description:
            component.add("description", spec.description)
        if spec.location:
            component.add("location", spec.location)
        for attendee in spec.attendees:
            component.add("attendee", f"mailto:{attendee}")
        status = self._put(href, component, {"If-None-Match": "*"})
        if status == 412:  # an earlier attempt made it: the server refused to overwrite, so read what is there
            found = self._get(href)
            if found is None:
                raise CalendarError(f"The CalDAV server at {self.host} refused to create the event (HTTP 412).")
            return _event(found[0], href, created=False)
        if not 200 <= status < 300:
            raise CalendarError(f"The CalDAV server at {self.host} refused to create the event (HTTP {status}).")
        return _event(component, href)

    def reschedule(self, event_id: str, start: datetime, end: datetime) -> Event:
        found = self._find(event_id)
        if found is None:
            raise CalendarError(f"There is no event {event_id!r} in the calendar to reschedule.")
        href, component, etag = found
        for name, value in (("dtstart", start), ("dtend", end)):
            component.pop(name, None)
            component.add(name, value.astimezone(UTC))  # UTC, as create() writes it
        component.pop("duration", None)
        component.pop("dtstamp", None)
        component.add("dtstamp", datetime.now(UTC))
        sequence = int(component.get("sequence", 0)) + 1
        component.pop("sequence", None)
        component.add("sequence", sequence)
        # If-Match: a change made meanwhile by someone else is not overwritten.
        status = self._put(href, component, {"If-Match": etag} if etag else {})
        if status == 412:
            raise CalendarError("The event was changed by someone else meanwhile; try again.")
        if not 200 <= status < 300:
            raise CalendarError(f"The CalDAV server at {self.host} refused to move the event (HTTP {status}).")
        return _event(component, href)

    def cancel(self, event_id: str) -> None:
        found = self._find(event_id)
        if found is None:
            return
        response = self._call("delete the event", lambda: self.dav.request(found[0], "DELETE"))
        if response.status not in (200, 204, 404):
            raise CalendarError(
                f"The CalDAV server at {self.host} refused to delete the event (HTTP {response.status})."
            )

    def upcoming(self, start: datetime, end: datetime, attendee: str = "", limit: int = 10) -> list[Event]:
        cal = self.calendar()
        found = self._call("search the events", lambda: cal.search(start=start, end=end, event=True, expand=True))
        wanted = attendee.strip().casefold()
        events = []
        for obj in found:
            for component in _vevents(obj.data):
                event = _event(component, str(obj.url))
                organizer = _address(component.get("organizer", "")).casefold()
                if wanted and wanted not in {a.casefold() for a in event.attendees} and wanted != organizer:
                    continue
                events.append(event)
        events.sort(key=lambda e: e.start)
        return events[:limit]

    def check(self) -> str:
        principal = self._call("sign in", lambda: self.dav.principal())
        calendars = self._call("list the calendars", principal.calendars)
        wanted = str(self.cred.settings.get("calendar") or "").strip()
        if "/" in wanted:
            self._calendar = None
            cal = self.calendar()
            name = self._call("open the calendar", cal.get_display_name) or wanted
        else:
            name = self._call("read the calendar name", self._pick(calendars, wanted).get_display_name) or "(unnamed)"
        count = f"{len(calendars)} calendar{'' if len(calendars) == 1 else 's'}"
        return f"Signed in to {self.host}: the account has {count}; bookings go to {name!r}."
