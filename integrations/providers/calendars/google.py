"""Google Calendar through google-api-python-client (static discovery), its HTTP sent through the guarded client.

A booking's event id is derived from its idempotency key (base.stable_id), so an insert that is retried or redelivered
answers 409 and the existing event is returned instead of a second one. A service account sees the calendars shared
with it; with domain-wide delegation (the credential's "Act as") or an OAuth credential it acts as that user.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from integrations.errors import CredentialError, OutboundError
from integrations.http import Retry
from integrations.providers.google import CALENDAR_SCOPE, GoogleAccess, account_email
from integrations.providers.transports.httplib2 import GuardedHttp

from .base import CalendarError, Event, EventSpec, Provider, stable_id

SEND_UPDATES = "all"  # attendees get Google's invitation, update and cancellation e-mails
PAGE_SIZE = 250


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise CalendarError("A time without a time zone cannot be sent to Google Calendar.")
    return moment.isoformat()


def _zone_name(moment: datetime) -> str:
    zone = moment.tzinfo
    return zone.key if isinstance(zone, ZoneInfo) else ""


def _when(moment: datetime, time_zone: str = "") -> dict[str, str]:
    out = {"dateTime": _rfc3339(moment)}
    zone = time_zone or _zone_name(moment)
    if zone:
        out["timeZone"] = zone
    return out


def _parse_time(value: dict[str, Any] | None, default_zone: str) -> datetime:
    """An event time: dateTime (RFC 3339) or, for all-day events, date at midnight in the event's or calendar's zone."""
    value = value or {}
    if value.get("dateTime"):
        moment = datetime.fromisoformat(str(value["dateTime"]))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_zone(value.get("timeZone") or default_zone))
        return moment
    if value.get("date"):
        day = date.fromisoformat(str(value["date"]))
        return datetime.combine(day, time(), _zone(value.get("timeZone") or default_zone))
    raise CalendarError("Google answered with an event that has no start or end time.")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _event(item: dict[str, Any], default_zone: str, *, created: bool = True) -> Event:
    return Event(
        id=str(item.get("id") or ""),
        title=str(item.get("summary") or ""),
        start=_parse_time(item.get("start"), default_zone),
        end=_parse_time(item.get("end"), default_zone),
        attendees=[str(a.get("email")) for a in item.get("attendees") or [] if a.get("email")],
        location=str(item.get("location") or ""),
        description=str(item.get("description") or ""),
        link=str(item.get("htmlLink") or ""),
        created=created,
    )


DEFAULT_TIMEOUT_S = 15.0
DEFAULT_RETRY = Retry(attempts=3, backoff_s=0.5)  # without a node's settings (the connection check): safe to repeat


class GoogleCalendarProvider(Provider):
    """Google Calendar v3: freebusy.query, events insert/get/patch/delete/list, calendars.get."""

    def __init__(self, cred: Any, services: Any, calendar_id: str = ""):
        super().__init__(cred, services, calendar_id or "primary")
        try:
            self.access = GoogleAccess(
                cred, services, [CALENDAR_SCOPE], timeout_s=DEFAULT_TIMEOUT_S, retry=DEFAULT_RETRY
            )
        except CredentialError as exc:
            raise CalendarError(str(exc)) from None
        self.who = account_email(cred)
        options = {"api_endpoint": self.access.endpoint + "/calendar/v3/"} if self.access.endpoint else None
        self.api = build(
            "calendar",
            "v3",
            http=GuardedHttp(self.access.request),
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )

    # The node sets these before any call (its timeout and retry settings); the requests are sent by self.access.
    @property
    def timeout_s(self) -> float:
        return self.access.timeout_s

    @timeout_s.setter
    def timeout_s(self, value: float) -> None:
        self.access.timeout_s = value

    @property
    def retry(self) -> Retry | None:
        return self.access.retry

    @retry.setter
    def retry(self, value: Retry | None) -> None:
        self.access.retry = value

    # -- calls -------------------------------------------------------------------------------------------------------

    def _execute(self, request: Any, doing: str, *, ok: tuple[int, ...] = ()) -> Any:
        """Run one API request; HttpError statuses in ok come back as None, others become a CalendarError."""
        try:
            return request.execute()
        except HttpError as exc:
            if exc.status_code in ok:
                return None
            raise CalendarError(self._problem(exc, doing)) from None
        except CredentialError as exc:
            raise CalendarError(str(exc)) from None
        except OutboundError as exc:
            raise CalendarError(f"Could not {doing}: {exc}") from None

    def _problem(self, exc: HttpError, doing: str) -> str:
        status = exc.status_code
        reason, detail = "", ""
        try:
            error = json.loads(exc.content or b"{}").get("error") or {}
            detail = str(error.get("message") or "").strip().rstrip(".")[:300]
            reason = str((error.get("errors") or [{}])[0].get("reason") or "")
        except (ValueError, AttributeError, IndexError, TypeError):
            pass
        calendar = f"the calendar {self.calendar_id!r}"
        share = f" Share it with {self.who}." if self.who else ""
        if reason == "forbiddenForServiceAccounts":
            return (
                "Google does not let a service account invite attendees unless it acts for a Google Workspace user "
                '(domain-wide delegation): set "Act as" in the credential, or use a Google OAuth credential.'
            )
        if status == 401:
            return "Google refused the credentials (HTTP 401) even with a fresh access token."
        if status == 403:
            return f"Google refused to {doing} in {calendar} (HTTP 403{': ' + detail if detail else ''}).{share}"
        if status == 404:
            return f"Google found no such calendar or event when asked to {doing} ({calendar}).{share}"
        if status == 429:
            return f"Google's quota is used up (HTTP 429) and the calls to {doing} kept failing; try again later."
        return f"Google answered HTTP {status} when asked to {doing}{': ' + detail if detail else ''}."

    # -- the interface -----------------------------------------------------------------------------------------------

    def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        body = {"timeMin": _rfc3339(start), "timeMax": _rfc3339(end), "items": [{"id": self.calendar_id}]}
        answer = self._execute(self.api.freebusy().query(body=body), "read the free/busy times") or {}
        found = (answer.get("calendars") or {}).get(self.calendar_id) or {}
        errors = found.get("errors") or []
        if errors:
            reason = str(errors[0].get("reason") or "")
            share = f" Share it with {self.who} (at least free/busy)." if self.who else ""
            if reason == "notFound":
                raise CalendarError(f"Google found no calendar {self.calendar_id!r}.{share}")
            raise CalendarError(f"Google could not read the free/busy times of {self.calendar_id!r} ({reason}).{share}")
        return [
            (datetime.fromisoformat(str(b["start"])), datetime.fromisoformat(str(b["end"])))
            for b in found.get("busy") or []
        ]

    def create(self, spec: EventSpec) -> Event:
        event_id = stable_id(spec.idempotency_key)
        body = self._body(spec, event_id)
        request = self.api.events().insert(calendarId=self.calendar_id, body=body, sendUpdates=SEND_UPDATES)
        made = self._execute(request, "create the event", ok=(409,))
        if made is not None:
            return _event(made, spec.time_zone)
        # 409: an earlier attempt (a retry, a redelivered turn) made this very event already.
        existing = self._execute(
            self.api.events().get(calendarId=self.calendar_id, eventId=event_id), "read the event booked earlier"
        )
        if existing.get("status") == "cancelled":
            # Booked, cancelled, and booked again with the same key: bring the event back as now asked for.
            revived = self._execute(
                self.api.events().patch(
                    calendarId=self.calendar_id,
                    eventId=event_id,
                    body={**body, "status": "confirmed"},
                    sendUpdates=SEND_UPDATES,
                ),
                "restore the event booked earlier",
            )
            return _event(revived, spec.time_zone)
        return _event(existing, spec.time_zone, created=False)

    @staticmethod
    def _body(spec: EventSpec, event_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": event_id,
            "summary": spec.title,
            "start": _when(spec.start, spec.time_zone),
            "end": _when(spec.end, spec.time_zone),
        }
        if spec.description:
            body["description"] = spec.description
        if spec.location:
            body["location"] = spec.location
        if spec.attendees:
            body["attendees"] = [{"email": email} for email in spec.attendees]
        return body

    def reschedule(self, event_id: str, start: datetime, end: datetime) -> Event:
        body = {"start": _when(start), "end": _when(end)}
        request = self.api.events().patch(
            calendarId=self.calendar_id, eventId=event_id, body=body, sendUpdates=SEND_UPDATES
        )
        moved = self._execute(request, "move the event", ok=(404, 410))
        if moved is None or moved.get("status") == "cancelled":
            raise CalendarError(f"There is no event {event_id!r} in the calendar {self.calendar_id!r} to move.")
        return _event(moved, _zone_name(start) or "UTC")

    def cancel(self, event_id: str) -> None:
        request = self.api.events().delete(calendarId=self.calendar_id, eventId=event_id, sendUpdates=SEND_UPDATES)
        self._execute(request, "cancel the event", ok=(404, 410))  # already gone is what was wanted

    def upcoming(self, start: datetime, end: datetime, attendee: str = "", limit: int = 10) -> list[Event]:
        found: list[Event] = []
        wanted = attendee.strip().lower()
        page: str | None = None
        while len(found) < limit:
            params: dict[str, Any] = {
                "calendarId": self.calendar_id,
                "timeMin": _rfc3339(start),
                "timeMax": _rfc3339(end),
                "singleEvents": True,
                "orderBy": "startTime",
                "maxResults": PAGE_SIZE if wanted else min(PAGE_SIZE, limit),
            }
            if wanted:
                params["q"] = wanted  # Google's search covers attendees' addresses; the filter below is exact
            if page:
                params["pageToken"] = page
            answer = self._execute(self.api.events().list(**params), "list the events") or {}
            zone = str(answer.get("timeZone") or "UTC")
            for item in answer.get("items") or []:
                if item.get("status") == "cancelled":
                    continue
                emails = {str(a.get("email") or "").lower() for a in item.get("attendees") or []}
                if wanted and wanted not in emails:
                    continue
                found.append(_event(item, zone))
            page = answer.get("nextPageToken")
            if not page:
                break
        return found[:limit]

    def check(self) -> str:
        answer = self._execute(self.api.calendars().get(calendarId=self.calendar_id), "open the calendar") or {}
        name = answer.get("summary") or self.calendar_id
        zone = answer.get("timeZone") or "?"
        who = f" as {self.who}" if self.who else ""
        return f"Opened the calendar {name!r} (time zone {zone}){who}."
