"""A local Microsoft Graph for the calls the Outlook provider makes, answering as Microsoft documents them.

- POST {authority}/{tenant}/oauth2/v2.0/token (client credentials, form body) -> access_token, expires_in
- POST /v1.0/users/{id}/calendar/getSchedule -> value[{scheduleId, availabilityView, scheduleItems[...]}]
- POST /v1.0/users/{id}/events (transactionId: a repeat returns the event already made) -> 201 event
- GET  /v1.0/users/{id}/events?$filter=singleValueExtendedProperties/Any(ep: ep/id eq '..' and ep/value eq '..')
- PATCH / DELETE /v1.0/users/{id}/events/{event id} -> 200 event / 204; 404 ErrorItemNotFound
- GET  /v1.0/users/{id}/calendar/calendarView?startDateTime&endDateTime&$top -> value, @odata.nextLink
- GET  /v1.0/users/{id}/calendar -> the calendar
Times go out in UTC (Prefer: outlook.timezone="UTC"), with Graph's seven fractional digits.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from werkzeug import Request, Response

NOT_FOUND = {"code": "ErrorItemNotFound", "message": "The specified object was not found in the store."}


def _when(value: dict[str, str]) -> datetime:
    tz = UTC if value["timeZone"] == "UTC" else ZoneInfo(value["timeZone"])
    return datetime.fromisoformat(value["dateTime"].split(".")[0]).replace(tzinfo=tz).astimezone(UTC)


def _out(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}


class FakeGraph:
    tenant = "contoso.onmicrosoft.com"
    client_id = "0f5e1c2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b"
    client_secret = "Graph~Client~Secret~9f8e7d6c"
    mailbox = "bookings@contoso.example"

    def __init__(self, server: Any):
        self.server = server
        base = server.url_for("").rstrip("/")
        self.origin = base
        self.authority = f"{base}/login"
        self.graph_url = f"{base}/v1.0"
        self.events: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}  # extended property value -> event id
        self.transactions: dict[str, str] = {}
        self.tokens: set[str] = set()
        self.requests: list[dict[str, Any]] = []
        self.token_requests = 0
        self.lock = threading.Lock()
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    # -- what the test sets up and reads --

    def add(self, subject: str, start: datetime, end: datetime, attendees=(), show_as: str = "busy") -> str:
        event_id = f"AAMkAD{uuid.uuid4().hex}"
        self.events[event_id] = {
            "id": event_id,
            "subject": subject,
            "start": start.astimezone(UTC),
            "end": end.astimezone(UTC),
            "attendees": list(attendees),
            "location": "",
            "body": "",
            "showAs": show_as,
            "time_zone": "UTC",
        }
        return event_id

    def _json(self, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": event["id"],
            "subject": event["subject"],
            "bodyPreview": event["body"][:255],
            "body": {"contentType": "text", "content": event["body"]},
            "start": _out(event["start"]),
            "end": _out(event["end"]),
            "originalStartTimeZone": event["time_zone"],
            "showAs": event["showAs"],
            "location": {"displayName": event["location"]},
            "attendees": [
                {"type": "required", "status": {"response": "none"}, "emailAddress": {"name": a, "address": a}}
                for a in event["attendees"]
            ],
            "organizer": {"emailAddress": {"name": "Bookings", "address": self.mailbox}},
            "webLink": f"https://outlook.office365.com/owa/?itemid={quote(event['id'])}",
            "transactionId": event.get("transactionId"),
        }

    # -- the wire --

    def handle(self, request: Request) -> Response:
        with self.lock:
            return self._handle(request)

    def _handle(self, request: Request) -> Response:
        body = request.get_data(as_text=True)
        seen = {"method": request.method, "path": request.path, "args": dict(request.args), "body": body,
                "raw": request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")}  # fmt: skip
        self.requests.append({**seen, "headers": dict(request.headers)})
        if request.path == f"/login/{self.tenant}/oauth2/v2.0/token" and request.method == "POST":
            return self._token(request)
        user = f"/v1.0/users/{self.mailbox}"
        if not request.path.startswith(user):
            return self._error(404, "ResourceNotFound", "Resource could not be discovered.")
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return self._error(401, "InvalidAuthenticationToken", "Access token validation failure.")
        rest = request.path[len(user) :]
        data = json.loads(body) if body else {}
        if rest == "/calendar" and request.method == "GET":
            return self._reply(200, {"id": "AAMkCal", "name": "Calendar", "canEdit": True})
        if rest == "/calendar/getSchedule" and request.method == "POST":
            return self._schedule(data)
        if rest == "/events" and request.method == "POST":
            return self._create(data)
        if rest == "/events" and request.method == "GET":
            return self._find(request.args.get("$filter", ""))
        if rest == "/calendar/calendarView" and request.method == "GET":
            return self._view(request)
        match = re.fullmatch(r"/events/([^/]+)", rest)
        if match:
            event = self.events.get(match.group(1))
            if event is None:
                return self._error(404, **NOT_FOUND)
            if request.method == "PATCH":
                for name in ("start", "end"):
                    if name in data:
                        event[name] = _when(data[name])
                        event["time_zone"] = data[name]["timeZone"]
                return self._reply(200, self._json(event))
            if request.method == "DELETE":
                del self.events[event["id"]]
                return Response(status=204)
        return self._error(400, "BadRequest", f"Unsupported request {request.method} {rest}.")

    def _reply(self, status: int, data: Any) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    def _error(self, status: int, code: str, message: str) -> Response:
        return self._reply(status, {"error": {"code": code, "message": message}})

    def _token(self, request: Request) -> Response:
        self.token_requests += 1
        form = request.form
        scope_ok = form.get("scope") == f"{self.origin}/.default"
        if form.get("grant_type") != "client_credentials" or not scope_ok:
            return self._reply(400, {"error": "invalid_request", "error_description": "AADSTS900144: bad request."})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._reply(
                401,
                {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."},
            )
        token = "eyJ0eXAi." + secrets.token_urlsafe(24)
        self.tokens.add(token)
        return self._reply(
            200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}
        )

    def _overlapping(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        found = [e for e in self.events.values() if e["start"] < end and e["end"] > start]
        return sorted(found, key=lambda e: e["start"])

    def _schedule(self, data: dict[str, Any]) -> Response:
        start, end = _when(data["startTime"]), _when(data["endTime"])
        out = []
        for schedule in data["schedules"]:
            if schedule != self.mailbox:
                error = {"message": "The user was not found.", "responseCode": "UserNotFound"}
                out.append({"scheduleId": schedule, "error": error})
                continue
            items = [
                {"isPrivate": False, "status": e["showAs"], "subject": e["subject"], "location": "",
                 "start": _out(e["start"]), "end": _out(e["end"])}
                for e in self._overlapping(start, end)
            ]  # fmt: skip
            out.append({"scheduleId": schedule, "availabilityView": "", "scheduleItems": items})
        return self._reply(200, {"value": out})

    def _create(self, data: dict[str, Any]) -> Response:
        for name in ("subject", "start", "end"):
            if name not in data:
                return self._error(400, "ErrorInvalidRequest", f"{name} is required.")
        tx = data.get("transactionId")
        if tx and tx in self.transactions and self.transactions[tx] in self.events:
            return self._reply(201, self._json(self.events[self.transactions[tx]]))
        event_id = self.add(
            data["subject"], _when(data["start"]), _when(data["end"]),
            [a["emailAddress"]["address"] for a in data.get("attendees", [])],
        )  # fmt: skip
        event = self.events[event_id]
        event.update(
            body=(data.get("body") or {}).get("content", ""),
            location=(data.get("location") or {}).get("displayName", ""),
            time_zone=data["start"]["timeZone"],
            transactionId=tx,
        )
        if tx:
            self.transactions[tx] = event_id
        for prop in data.get("singleValueExtendedProperties", []):
            self.keys[f"{prop['id']}|{prop['value']}"] = event_id
        return self._reply(201, self._json(event))

    def _find(self, expression: str) -> Response:
        match = re.fullmatch(
            r"singleValueExtendedProperties/Any\(ep: ep/id eq '(.+)' and ep/value eq '(.+)'\)", expression
        )
        if not match:
            return self._error(
                400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes."
            )
        event_id = self.keys.get(f"{match.group(1)}|{match.group(2)}")
        found = [self._json(self.events[event_id])] if event_id in self.events else []
        return self._reply(200, {"value": found})

    def _view(self, request: Request) -> Response:
        args = request.args
        start = datetime.fromisoformat(args["startDateTime"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(args["endDateTime"].replace("Z", "+00:00"))
        top, skip = int(args.get("$top", 10)), int(args.get("$skip", 0))
        found = self._overlapping(start, end)
        page = {"value": [self._json(e) for e in found[skip : skip + top]]}
        if skip + top < len(found):
            page["@odata.nextLink"] = (
                f"{self.graph_url}/users/{self.mailbox}/calendar/calendarView?startDateTime={args['startDateTime']}"
                f"&endDateTime={args['endDateTime']}&$top={top}&$skip={skip + top}"
            )
        return self._reply(200, page)
