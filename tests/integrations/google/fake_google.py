"""A local Google: the OAuth2 token endpoint, Sheets API v4 and Calendar API v3, checked against discovery documents.

Every API request is matched to a method of Google's discovery document shipped in google-api-python-client (HTTP
method, path, query parameters, required ones, enum values); a request that matches none is answered 400 and listed in
`problems`, which the fixture asserts empty. State is a small in-memory spreadsheet store and calendar store, so tests
assert what ended up in the sheet or the calendar.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import googleapiclient
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _routes(name: str) -> list[tuple[str, re.Pattern[str], dict[str, Any], dict[str, Any]]]:
    """(HTTP method, path pattern, method description, document-wide parameters) for every method of the API."""
    doc = json.loads((DOCUMENTS / name).read_text())
    prefix = "/" + urlsplit(doc["rootUrl"]).path.lstrip("/") + doc["servicePath"]
    found = []

    def walk(resources: dict[str, Any]) -> None:
        for resource in resources.values():
            for method in (resource.get("methods") or {}).values():
                path = method.get("flatPath") or method["path"]
                pattern = re.escape(prefix + path)
                pattern = re.sub(r"\\\{\\\+(\w+)\\\}", r"(?P<\1>.+)", pattern)
                pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
                found.append((method["httpMethod"], re.compile(f"^{pattern}$"), method, doc.get("parameters", {})))
            walk(resource.get("resources") or {})

    walk(doc["resources"])
    # Most literal text first: ".../values/{range}:append" before ".../values/{range}".
    found.sort(key=lambda r: -len(re.sub(r"\(\?P<\w+>[^)]*\)", "", r[1].pattern)))
    return found


ROUTES = _routes("sheets.v4.json") + _routes("calendar.v3.json")


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


# -- A1 notation -------------------------------------------------------------------------------------------------------


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_range(text: str) -> tuple[str, str]:
    """'Leads'!A1:C3 -> ("Leads", "A1:C3"); a bare sheet name -> (name, "")."""
    if text.startswith("'"):
        end = text.index("'", 1)
        while text[end : end + 2] == "''":
            end = text.index("'", end + 2)
        return text[1:end].replace("''", "'"), text[end + 2 :] if text[end + 1 : end + 2] == "!" else ""
    name, _, cells = text.partition("!")
    return name, cells


def cell_bounds(cells: str) -> tuple[int, int, int | None, int | None]:
    """First row, first column, last row, last column (1-based; None = to the end) of A1 cells."""
    if not cells:
        return 1, 1, None, None
    start, _, end = cells.partition(":")
    end = end or start

    def parse(ref: str) -> tuple[int | None, int | None]:
        m = re.fullmatch(r"\$?([A-Za-z]*)\$?(\d*)", ref)
        assert m, ref
        return (int(m.group(2)) if m.group(2) else None), (col_number(m.group(1)) if m.group(1) else None)

    r1, c1 = parse(start)
    r2, c2 = parse(end)
    return r1 or 1, c1 or 1, r2, c2


class FakeGoogle:
    """The state and behaviour behind the server; tests read and set it directly."""

    def __init__(self) -> None:
        self.base = ""
        self.lock = threading.Lock()
        self.public_keys: dict[str, Any] = {}  # client_email -> RSA public key
        self.oauth_clients: dict[str, tuple[str, str]] = {}  # refresh token -> (client id, client secret)
        self.tokens: dict[str, dict[str, Any]] = {}  # access token -> claims it was issued for
        self.grants: list[dict[str, Any]] = []  # every token request, decoded
        self.requests: list[dict[str, Any]] = []  # every API request
        self.problems: list[str] = []
        self.fail: list[tuple[str, int, dict[str, str], dict[str, Any]]] = []  # (method id, status, headers, error)
        self.spreadsheets: dict[str, dict[str, Any]] = {}
        self.calendars: dict[str, dict[str, Any]] = {}

    # -- set-up --------------------------------------------------------------------------------------------------

    def spreadsheet(self, key: str, title: str, sheets: dict[str, list[list[str]]]) -> None:
        self.spreadsheets[key] = {
            "title": title,
            "sheets": {name: {"id": i * 1000 + 7, "values": [list(r) for r in rows]} for i, (name, rows) in
                       enumerate(sheets.items())},
        }  # fmt: skip

    def values(self, key: str, sheet: str) -> list[list[str]]:
        return self.spreadsheets[key]["sheets"][sheet]["values"]

    def calendar(self, cal_id: str, summary: str, time_zone: str, readers: tuple[str, ...] = ()) -> dict[str, Any]:
        self.calendars[cal_id] = {"summary": summary, "timeZone": time_zone, "events": {}, "readers": set(readers)}
        return self.calendars[cal_id]

    def calls(self, method_id: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method_id]

    # -- dispatch ------------------------------------------------------------------------------------------------

    def handle(self, verb: str, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        if parts.path == "/token":
            return self.token(verb, headers, body)
        for method, pattern, desc, common in ROUTES:
            match = pattern.match(parts.path)
            if method != verb or not match:
                continue
            query = parse_qsl(parts.query, keep_blank_values=True)
            problem = self._check_params(desc, common, query, match.groupdict())
            path_params = {k: unquote(v) for k, v in match.groupdict().items()}
            record = {"method": desc["id"], "path": path_params, "query": dict(query), "headers": headers,
                      "raw": f"{verb} {raw_path}"}  # fmt: skip
            record["body"] = json.loads(body) if body else None
            with self.lock:
                self.requests.append(record)
            if problem:
                self.problems.append(f"{verb} {parts.path}: {problem}")
                return 400, {}, {"error": {"code": 400, "message": problem, "status": "INVALID_ARGUMENT"}}
            auth = headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                return 401, {"WWW-Authenticate": "Bearer"}, _error(401, "Request had invalid authentication "
                                                                       "credentials.", "UNAUTHENTICATED")  # fmt: skip
            record["claims"] = self.tokens[auth[7:]]
            for i, (method_id, status, extra, error) in enumerate(self.fail):
                if method_id == desc["id"]:
                    del self.fail[i]
                    return status, extra, error
            handler: Callable[..., tuple[int, dict[str, str], Any]] = getattr(self, desc["id"].replace(".", "_"))
            with self.lock:
                return handler(path_params, dict(query), record["body"], record["claims"])
        self.problems.append(f"{verb} {parts.path}: no method of the discovery documents has this path")
        return 404, {}, _error(404, "Not found", "NOT_FOUND")

    @staticmethod
    def _check_params(desc: dict[str, Any], common: dict[str, Any], query: list[tuple[str, str]],
                      path: dict[str, str]) -> str:  # fmt: skip
        declared = desc.get("parameters") or {}
        for name, value in query:
            spec = declared.get(name) or common.get(name)
            if spec is None or spec.get("location") == "path":
                return f"{name!r} is not a query parameter of {desc['id']}"
            if spec.get("enum") and value not in spec["enum"]:
                return f"{name}={value!r} is not one of {spec['enum']}"
            if spec.get("type") == "boolean" and value.lower() not in ("true", "false"):
                return f"{name}={value!r} is not a boolean"
            if spec.get("type") == "integer" and not value.lstrip("-").isdigit():
                return f"{name}={value!r} is not an integer"
        given = {name for name, _ in query} | set(path)
        for name, spec in declared.items():
            if spec.get("required") and name not in given:
                return f"the required parameter {name!r} of {desc['id']} is missing"
        return ""

    # -- the token endpoint ------------------------------------------------------------------------------------

    def token(self, verb: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        form = dict(parse_qsl(body.decode()))
        grant = {"form": form, "content_type": headers.get("content-type", "")}
        self.grants.append(grant)
        if verb != "POST" or "application/x-www-form-urlencoded" not in grant["content_type"]:
            return 400, {}, {"error": "invalid_request", "error_description": "POST a form."}
        if form.get("grant_type") == JWT_GRANT:
            claims = self._verify(form.get("assertion", ""))
            if isinstance(claims, str):
                return 400, {}, {"error": "invalid_grant", "error_description": claims}
            grant["claims"] = claims
        elif form.get("grant_type") == "refresh_token":
            client = self.oauth_clients.get(form.get("refresh_token", ""))
            if client is None:
                return 400, {}, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            if client != (form.get("client_id"), form.get("client_secret")):
                return 401, {}, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
            claims = {"sub": form["client_id"], "scope": "https://www.googleapis.com/auth/calendar"}
        else:
            return 400, {}, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type."}
        token = f"ya29.fake-{uuid.uuid4().hex}"
        self.tokens[token] = claims
        return 200, {}, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _verify(self, assertion: str) -> dict[str, Any] | str:
        """The JWT's claims if Google would accept it (RS256 by a known key, right audience, fresh), else why not."""
        try:
            head, payload, signature = assertion.split(".")
            header, claims = json.loads(b64url(head)), json.loads(b64url(payload))
        except ValueError:
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"
        if header.get("alg") != "RS256":
            return "Invalid JWT: the algorithm must be RS256."
        key = self.public_keys.get(claims.get("iss", ""))
        if key is None:
            return "Invalid JWT Signature."
        try:
            key.verify(b64url(signature), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - cryptography's InvalidSignature
            return "Invalid JWT Signature."
        now = time.time()
        # google-auth puts Google's token endpoint in aud whatever the key's token_uri says, as Google expects.
        if claims.get("aud") != "https://oauth2.googleapis.com/token":
            return f"Invalid JWT: audience {claims.get('aud')!r} is not the token endpoint."
        if not (now - 300 <= claims.get("iat", 0) <= now + 300) or not (
            0 < claims.get("exp", 0) - claims["iat"] <= 3600
        ):
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
        if not claims.get("scope"):
            return "Invalid JWT: no scope."
        return claims

    # -- Sheets v4 -----------------------------------------------------------------------------------------------

    def _sheet(self, key: str, range_text: str) -> tuple[dict[str, Any] | None, str, str]:
        book = self.spreadsheets.get(key)
        name, cells = split_range(range_text)
        return book, name, cells

    def sheets_spreadsheets_get(self, path, query, body, claims):
        book = self.spreadsheets.get(path["spreadsheetId"])
        if book is None:
            return 404, {}, _error(404, "Requested entity was not found.", "NOT_FOUND")
        if book.get("private"):
            return 403, {}, _error(403, "The caller does not have permission", "PERMISSION_DENIED")
        sheets = [
            {"properties": {"sheetId": s["id"], "title": name, "index": i, "sheetType": "GRID",
                            "gridProperties": {"rowCount": 1000, "columnCount": 26}}}
            for i, (name, s) in enumerate(book["sheets"].items())
        ]  # fmt: skip
        return (
            200,
            {},
            {
                "spreadsheetId": path["spreadsheetId"],
                "properties": {"title": book["title"], "locale": "en_US", "timeZone": "Europe/Paris"},
                "sheets": sheets,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{path['spreadsheetId']}/edit",
            },
        )

    def _grid(self, key: str, range_text: str) -> tuple[list[list[str]], str, tuple[int, int, int | None, int | None]]:
        book, name, cells = self._sheet(key, range_text)
        if book is None or name not in book["sheets"]:
            raise LookupError(f"Unable to parse range: {range_text}")
        return book["sheets"][name]["values"], name, cell_bounds(cells)

    def sheets_spreadsheets_values_get(self, path, query, body, claims):
        try:
            grid, name, (r1, c1, r2, c2) = self._grid(path["spreadsheetId"], path["range"])
        except LookupError as exc:
            return 400, {}, _error(400, str(exc), "INVALID_ARGUMENT")
        last_row = r2 or len(grid)
        rows = []
        for r in range(r1, last_row + 1):
            row = grid[r - 1] if r - 1 < len(grid) else []
            cut = row[c1 - 1 : c2] if c2 else row[c1 - 1 :]
            while cut and cut[-1] == "":
                cut = cut[:-1]
            rows.append(cut)
        while rows and not rows[-1]:
            rows.pop()
        shown = f"{name}!{col_letters(c1)}{r1}:{col_letters(c2 or 26)}{last_row or 1000}"
        out: dict[str, Any] = {"range": shown, "majorDimension": "ROWS"}
        if rows:
            out["values"] = rows
        return 200, {}, out

    def _write(self, grid: list[list[str]], row: int, col: int, values: list[list[Any]], raw: bool) -> None:
        for i, line in enumerate(values):
            while len(grid) < row + i:
                grid.append([])
            target = grid[row + i - 1]
            for j, value in enumerate(line):
                while len(target) < col + j:
                    target.append("")
                text = "" if value is None else str(value)
                target[col + j - 1] = text if raw or not text.startswith("=") else f"<formula {text}>"

    def sheets_spreadsheets_values_append(self, path, query, body, claims):
        try:
            grid, name, _ = self._grid(path["spreadsheetId"], path["range"])
        except LookupError as exc:
            return 400, {}, _error(400, str(exc), "INVALID_ARGUMENT")
        values = body["values"]
        last = max((i + 1 for i, r in enumerate(grid) if any(c != "" for c in r)), default=0)
        del grid[last:]
        self._write(grid, last + 1, 1, values, query.get("valueInputOption") == "RAW")
        width = max(len(v) for v in values)
        updated = f"{name}!A{last + 1}:{col_letters(width)}{last + len(values)}"
        return 200, {}, {
            "spreadsheetId": path["spreadsheetId"],
            "tableRange": f"{name}!A1:{col_letters(width)}{max(last, 1)}",
            "updates": {"spreadsheetId": path["spreadsheetId"], "updatedRange": updated, "updatedRows": len(values),
                        "updatedColumns": width, "updatedCells": sum(len(v) for v in values)},
        }  # fmt: skip

    def sheets_spreadsheets_values_update(self, path, query, body, claims):
        grid, name, (r1, c1, _, _) = self._grid(path["spreadsheetId"], path["range"])
        self._write(grid, r1, c1, body["values"], query.get("valueInputOption") == "RAW")
        return 200, {}, {"spreadsheetId": path["spreadsheetId"], "updatedRange": path["range"]}

    def sheets_spreadsheets_values_batchUpdate(self, path, query, body, claims):
        if body.get("valueInputOption") not in ("RAW", "USER_ENTERED"):
            return 400, {}, _error(400, "valueInputOption is required", "INVALID_ARGUMENT")
        responses = []
        for item in body.get("data") or []:
            try:
                grid, name, (r1, c1, _, _) = self._grid(path["spreadsheetId"], item["range"])
            except LookupError as exc:
                return 400, {}, _error(400, str(exc), "INVALID_ARGUMENT")
            self._write(grid, r1, c1, item["values"], body["valueInputOption"] == "RAW")
            responses.append({"spreadsheetId": path["spreadsheetId"], "updatedRange": item["range"]})
        return 200, {}, {"spreadsheetId": path["spreadsheetId"], "totalUpdatedCells": len(responses),
                         "responses": responses}  # fmt: skip

    # -- Calendar v3 ---------------------------------------------------------------------------------------------

    def _calendar(self, cal_id: str, claims: dict[str, Any]) -> dict[str, Any] | None:
        cal = self.calendars.get(cal_id)
        who = claims.get("sub") or claims.get("iss")
        if cal is None or (cal["readers"] and who not in cal["readers"]):
            return None
        return cal

    def calendar_calendars_get(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        if cal is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        return 200, {}, {"kind": "calendar#calendar", "id": path["calendarId"], "summary": cal["summary"],
                         "timeZone": cal["timeZone"]}  # fmt: skip

    def calendar_freebusy_query(self, path, query, body, claims):
        lo, hi = _time(body["timeMin"]), _time(body["timeMax"])
        out: dict[str, Any] = {}
        for item in body.get("items") or []:
            cal = self._calendar(item["id"], claims)
            if cal is None:
                out[item["id"]] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
                continue
            busy = []
            for event in cal["events"].values():
                start, end = _time(event["start"]["dateTime"]), _time(event["end"]["dateTime"])
                if event["status"] != "cancelled" and start < hi and end > lo:
                    busy.append({"start": _z(max(start, lo)), "end": _z(min(end, hi))})
            out[item["id"]] = {"busy": sorted(busy, key=lambda b: b["start"])}
        return 200, {}, {"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"],
                         "calendars": out}  # fmt: skip

    def calendar_events_insert(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        if cal is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        event_id = body.get("id") or uuid.uuid4().hex
        if not re.fullmatch(r"[a-v0-9]{5,1024}", event_id):
            return 400, {}, _gerror(400, "invalid", "Invalid resource id value.")
        if event_id in cal["events"]:
            return 409, {}, _gerror(409, "duplicate", "The requested identifier already exists.")
        if body.get("attendees") and "iam.gserviceaccount.com" in str(claims.get("iss")) and not claims.get("sub"):
            return 403, {}, _gerror(403, "forbiddenForServiceAccounts", "Service accounts cannot invite attendees "
                                    "without Domain-Wide Delegation of Authority.")  # fmt: skip
        event = {**body, "id": event_id, "status": "confirmed", "kind": "calendar#event",
                 "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}"}  # fmt: skip
        cal["events"][event_id] = event
        return 200, {}, event

    def calendar_events_get(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        event = cal["events"].get(path["eventId"]) if cal else None
        if event is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        return 200, {}, event

    def calendar_events_patch(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        event = cal["events"].get(path["eventId"]) if cal else None
        if event is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        event.update(body)
        return 200, {}, event

    def calendar_events_delete(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        event = cal["events"].get(path["eventId"]) if cal else None
        if event is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        if event["status"] == "cancelled":
            return 410, {}, _gerror(410, "deleted", "Resource has been deleted")
        event["status"] = "cancelled"
        return 204, {}, None

    def calendar_events_list(self, path, query, body, claims):
        cal = self._calendar(path["calendarId"], claims)
        if cal is None:
            return 404, {}, _gerror(404, "notFound", "Not Found")
        if query.get("orderBy") == "startTime" and query.get("singleEvents") != "true":
            return 400, {}, _gerror(400, "invalid", "The requested ordering is not available for the particular query.")
        lo = _time(query["timeMin"]) if "timeMin" in query else None
        hi = _time(query["timeMax"]) if "timeMax" in query else None
        q = query.get("q", "").lower()
        items = []
        for event in cal["events"].values():
            start, end = _time(event["start"]["dateTime"]), _time(event["end"]["dateTime"])
            if event["status"] == "cancelled" or (lo and end <= lo) or (hi and start >= hi):
                continue
            text = " ".join([event.get("summary", ""), event.get("description", ""), event.get("location", ""),
                             *[a.get("email", "") for a in event.get("attendees", [])]]).lower()  # fmt: skip
            if q and q not in text:
                continue
            items.append(event)
        items.sort(key=lambda e: _time(e["start"]["dateTime"]))
        offset = int(query.get("pageToken") or 0)
        size = int(query.get("maxResults") or 250)
        page = items[offset : offset + size]
        out: dict[str, Any] = {"kind": "calendar#events", "summary": cal["summary"], "timeZone": cal["timeZone"],
                               "items": page}  # fmt: skip
        if offset + size < len(items):
            out["nextPageToken"] = str(offset + size)
        return 200, {}, out


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(code: int, message: str, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


def _gerror(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"error": {"errors": [{"domain": "global", "reason": reason, "message": message}], "code": code,
                      "message": message}}  # fmt: skip


def serve(fake: FakeGoogle) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = fake.handle(self.command, self.path, headers, body)
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            if payload is not None:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def parse_query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)
