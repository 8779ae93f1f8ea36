"""Outlook / Microsoft 365 calendars through Microsoft Graph v1.0, every call through the run's guarded client.

Token: OAuth2 client credentials at {authority}/{tenant}/oauth2/v2.0/token, scope {graph origin}/.default (cached
like an API connection's). Busy times: POST /users/{id}/calendar/getSchedule. Create: POST .../events with a
`transactionId` derived from the idempotency key (Graph drops a repeated POST with the same one) and the key's
stable id in a single-value extended property, which a later attempt looks up first to find the event already
made. Reschedule: PATCH; cancel: DELETE (404 is fine); upcoming: GET .../calendarView. Reads ask for UTC with
`Prefer: outlook.timezone="UTC"`; writes give the business's IANA zone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from integrations.errors import CredentialError, OutboundError

from .base import CalendarError, Event, EventSpec, Provider, stable_id

AUTHORITY = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com/v1.0"
# The extended property holding a booking's stable id: a GUID of our own names the property set (MS-OXPROPS style).
KEY_PROPERTY = "String {6f1d2c4e-8b3a-4d5f-9e7c-1a2b3c4d5e6f} Name FlowBuilderBookingKey"
BUSY_STATUSES = frozenset({"busy", "tentative", "oof"})  # free and workingElsewhere leave the time bookable
MAX_PAGES = 5
PAGE_SIZE = 100


def _graph_time(value: datetime) -> dict[str, str]:
    """A dateTimeTimeZone in UTC: the wall time without an offset, and "UTC"."""
    utc = value.astimezone(UTC)
    return {"dateTime": utc.replace(tzinfo=None).isoformat(timespec="seconds"), "timeZone": "UTC"}


def _parse_time(value: Any) -> datetime:
    """A dateTimeTimeZone from Graph ("2026-03-10T10:00:00.0000000", "UTC") as an aware datetime."""
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        raise CalendarError("Microsoft Graph returned an event without a start or end time.")
    text = value["dateTime"]
    head, dot, fraction = text.partition(".")
    text = f"{head}.{fraction[:6]}" if dot else head  # Graph sends 7 fractional digits; Python reads up to 6
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CalendarError(f"Microsoft Graph returned a time that is not understood: {value['dateTime']!r}.") from None
    if moment.tzinfo is not None:
        return moment
    name = str(value.get("timeZone") or "UTC")
    try:
        tz: Any = UTC if name.upper() in ("UTC", "Z") else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC  # a Windows zone name: we ask for UTC (Prefer header), so this only happens on odd servers
    return moment.replace(tzinfo=tz)


def _event(data: dict[str, Any], created: bool = True) -> Event:
    attendees = [
        str((a.get("emailAddress") or {}).get("address") or "")
        for a in data.get("attendees") or []
        if isinstance(a, dict)
    ]
    return Event(
        id=str(data.get("id") or ""),
        title=str(data.get("subject") or ""),
        start=_parse_time(data.get("start")),
        end=_parse_time(data.get("end")),
        attendees=[a for a in attendees if a],
        location=str((data.get("location") or {}).get("displayName") or ""),
        description=str(data.get("bodyPreview") or (data.get("body") or {}).get("content") or ""),
        link=str(data.get("webLink") or ""),
        created=created,
    )


class OutlookProvider(Provider):
    """A mailbox's calendar: settings tenant_id, client_id, mailbox, authority, graph_url; secret client_secret."""

    def __init__(self, cred: Any, services: Any, calendar_id: str = ""):
        super().__init__(cred, services, calendar_id)
        conf = cred.settings
        self.graph = str(conf.get("graph_url") or GRAPH_URL).rstrip("/")
        self.mailbox = str(conf.get("mailbox") or "").strip()
        self.user = f"{self.graph}/users/{quote(self.mailbox, safe='@')}"
        # The node's calendar id picks one of the mailbox's calendars; none means its default calendar.
        self.calendar_path = f"/calendars/{quote(calendar_id.strip(), safe='')}" if calendar_id.strip() else "/calendar"
        self.events_path = f"{self.calendar_path}/events" if calendar_id.strip() else "/events"

    # -- plumbing --

    def _request(self, method: str, url: str, doing: str, **kw: Any) -> Any:
        """One Graph call, authenticated by the credential's kind (a fresh token and one retry on 401)."""
        headers = {"Accept": "application/json", "Prefer": 'outlook.timezone="UTC"', **kw.pop("headers", {})}
        options = {"timeout_s": self.timeout_s, "retry": self.retry, "rate_keys": self.rate_keys(), **kw}
        try:
            return self.services.api_request(self.cred, method, url, headers=headers, **options)
        except CredentialError as exc:  # the token endpoint refused the app registration
            raise CalendarError(str(exc)) from None
        except OutboundError as exc:
            raise CalendarError(f"Could not {doing}: {exc}") from None

    @staticmethod
    def _failure(response: Any, doing: str) -> CalendarError:
        reason = ""
        try:
            body = response.json()
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict):
                reason = f": {error.get('code') or 'error'}: {str(error.get('message') or '')[:300]}".rstrip(": ")
        except ValueError:
            pass
        return CalendarError(f"Microsoft Graph refused to {doing} (HTTP {response.status}){reason}".rstrip(".") + ".")

    @staticmethod
    def _item_missing(response: Any) -> bool:
        """A 404 saying the event is not there (not, say, that the mailbox does not exist)."""
        if response.status != 404:
            return False
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            return False
        return isinstance(error, dict) and error.get("code") == "ErrorItemNotFound"

    def _json(self, response: Any, doing: str) -> Any:
        if not response.ok:
            raise self._failure(response, doing)
        try:
            return response.json()
        except ValueError:
            raise CalendarError(f"Microsoft Graph's answer to {doing} is not JSON.") from None

    # -- the interface --

    def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        doing = "read free/busy times"
        body = {
            "schedules": [self.mailbox],
            "startTime": _graph_time(start),
            "endTime": _graph_time(end),
            "availabilityViewInterval": 15,
        }
        answer = self._json(self._request("POST", f"{self.user}/calendar/getSchedule", doing, json=body), doing)
        busy: list[tuple[datetime, datetime]] = []
        for schedule in answer.get("value") or []:
            error = schedule.get("error")
            if isinstance(error, dict):
                reason = str(error.get("message") or error.get("responseCode") or "error")[:300]
                raise CalendarError(f"Microsoft Graph could not read the schedule of {self.mailbox}: {reason}.")
            for item in schedule.get("scheduleItems") or []:
                if str(item.get("status") or "busy").lower() in BUSY_STATUSES:
                    busy.append((_parse_time(item.get("start")), _parse_time(item.get("end"))))
        return busy

    def _existing(self, uid: str) -> Event | None:
        doing = "look for the event made by an earlier attempt"
        params = {
            "$filter": f"singleValueExtendedProperties/Any(ep: ep/id eq '{KEY_PROPERTY}' and ep/value eq '{uid}')",
            "$top": "1",
        }
        found = self._json(self._request("GET", f"{self.user}{self.events_path}", doing, params=params), doing)
        items = found.get("value") or []
        return _event(items[0], created=False) if items else None

    def create(self, spec: EventSpec) -> Event:
        uid = stable_id(spec.idempotency_key)
        existing = self._existing(uid)
        if existing is not None:
            return existing
        body: dict[str, Any] = {
            "subject": spec.title,
            # In UTC: Graph's create and update take only some zone names (Windows ones and a listed subset of IANA
            # names), and UTC always; Outlook shows the event in each reader's own zone either way.
            "start": _graph_time(spec.start),
            "end": _graph_time(spec.end),
            "attendees": [{"emailAddress": {"address": a}, "type": "required"} for a in spec.attendees],
            # Graph's own guard against a repeated POST (a retry after a lost answer): the same id, one event.
            "transactionId": str(uuid.UUID(uid)),
            "singleValueExtendedProperties": [{"id": KEY_PROPERTY, "value": uid}],
        }
        if spec.description:
            body["body"] = {"contentType": "text", "content": spec.description}
        if spec.location:
            body["location"] = {"displayName": spec.location}
        doing = "create the event"
        return _event(self._json(self._request("POST", f"{self.user}{self.events_path}", doing, json=body), doing))

    def _event_url(self, event_id: str) -> str:
        if not event_id.strip():
            raise CalendarError("Give the id of the event.")
        return f"{self.user}/events/{quote(event_id.strip(), safe='')}"

    def reschedule(self, event_id: str, start: datetime, end: datetime) -> Event:
        body = {"start": _graph_time(start), "end": _graph_time(end)}  # in UTC, as create() sends them
        doing = "move the event"
        response = self._request("PATCH", self._event_url(event_id), doing, json=body)
        if self._item_missing(response):
            raise CalendarError(f"There is no event {event_id!r} in the calendar to reschedule.")
        return _event(self._json(response, doing))

    def cancel(self, event_id: str) -> None:
        doing = "delete the event"
        response = self._request("DELETE", self._event_url(event_id), doing)
        if not response.ok and not self._item_missing(response):  # already gone is what cancelling wanted
            raise self._failure(response, doing)

    def upcoming(self, start: datetime, end: datetime, attendee: str = "", limit: int = 10) -> list[Event]:
        doing = "list the events"
        url: str | None = f"{self.user}{self.calendar_path}/calendarView"
        params: dict[str, str] | None = {
            "startDateTime": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "endDateTime": end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "$orderby": "start/dateTime",
            "$top": str(PAGE_SIZE),
        }
        wanted = attendee.strip().casefold()
        events: list[Event] = []
        for _page in range(MAX_PAGES):
            if url is None or len(events) >= limit:
                break
            page = self._json(self._request("GET", url, doing, params=params), doing)
            for item in page.get("value") or []:
                organizer = str(((item.get("organizer") or {}).get("emailAddress") or {}).get("address") or "")
                event = _event(item)
                if wanted and wanted not in {a.casefold() for a in event.attendees} and wanted != organizer.casefold():
                    continue
                events.append(event)
            url, params = page.get("@odata.nextLink"), None
            # The next page goes to Graph itself only: the token must never follow a link elsewhere.
            if url and urlsplit(url).netloc != urlsplit(self.graph).netloc:
                url = None
        events.sort(key=lambda e: e.start)
        return events[:limit]

    def check(self) -> str:
        doing = "read the calendar"
        data = self._json(self._request("GET", f"{self.user}{self.calendar_path}", doing), doing)
        name = str(data.get("name") or "Calendar")
        return f"Signed in to Microsoft Graph: the calendar {name!r} of {self.mailbox} is reachable."
