"""A local server speaking Twilio's REST wire format: Accounts fetch, Messages create and fetch, Twilio error bodies.

It checks Basic auth against the account it was made with, records every message it accepted (as Twilio would send
it) and refuses numbers the tests name: 21211 for an invalid number, 21610 for one that unsubscribed.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCOUNT = re.compile(r"^/2010-04-01/Accounts/(AC\w{32})\.json$")
MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC\w{32})/Messages\.json$")
MESSAGE = re.compile(r"^/2010-04-01/Accounts/(AC\w{32})/Messages/(SM\w{32})\.json$")


class FakeTwilio:
    """Start it, point a credential's base_url at `base_url`, read `messages` (each a dict of the posted form)."""

    def __init__(self, account_sid: str, auth_token: str, *, api_key: tuple[str, str] | None = None):
        self.account_sid, self.auth_token, self.api_key = account_sid, auth_token, api_key
        self.invalid: set[str] = set()  # numbers answered with 21211
        self.unsubscribed: set[str] = set()  # numbers answered with 21610
        self.too_many = 0  # the next this many creates are answered 429 (20429, Retry-After: 0)
        self.messages: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeTwilio:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
        """The accepted messages once there are at least `count` of them (AssertionError after timeout_s)."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout_s):
                raise AssertionError(f"expected {count} messages at the fake Twilio, got {self.messages!r}")
            return list(self.messages)

    def _authorized(self, header: str) -> bool:
        accepted = {f"{self.account_sid}:{self.auth_token}"}
        if self.api_key:
            accepted.add(f"{self.api_key[0]}:{self.api_key[1]}")
        expected = {"Basic " + base64.b64encode(pair.encode()).decode() for pair in accepted}
        return header in expected

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(handler.rfile.read(length).decode()).items()} if length else {}
        with self.changed:
            self.requests.append({"method": method, "path": path, "form": form, "headers": dict(handler.headers)})
        if not self._authorized(handler.headers.get("Authorization", "")):
            return self._error(handler, 401, 20003, "Authenticate")
        if (match := ACCOUNT.match(path)) and method == "GET":
            if match.group(1) != self.account_sid:
                return self._error(handler, 404, 20404, f"The requested resource {path} was not found")
            return self._send(handler, 200, self._account())
        if (match := MESSAGES.match(path)) and method == "POST":
            return self._create(handler, form)
        if (match := MESSAGE.match(path)) and method == "GET":
            found = [m for m in self.messages if m["sid"] == match.group(2)]
            if not found:
                return self._error(handler, 404, 20404, f"The requested resource {path} was not found")
            return self._send(handler, 200, self._message(found[0]))
        return self._error(handler, 404, 20404, f"The requested resource {path} was not found")

    def _create(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        with self.changed:
            refuse, self.too_many = self.too_many > 0, max(0, self.too_many - 1)
        if refuse:
            return self._error(handler, 429, 20429, "Too Many Requests", retry_after="0")
        to = form.get("To", "")
        number = to.removeprefix("whatsapp:")
        if not re.fullmatch(r"\+\d{6,15}", number) or number in self.invalid:
            return self._error(handler, 400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if number in self.unsubscribed:
            return self._error(handler, 400, 21610, "Attempt to send to unsubscribed recipient")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return self._error(handler, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
        message = {**form, "sid": "SM" + uuid.uuid4().hex, "status": "queued"}
        with self.changed:
            self.messages.append(message)
            self.changed.notify_all()
        self._send(handler, 201, self._message(message))

    def _account(self) -> dict[str, Any]:
        return {
            "sid": self.account_sid,
            "friendly_name": "Flows test account",
            "status": "active",
            "type": "Full",
            "date_created": "Mon, 07 Dec 2026 05:00:00 +0000",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}.json",
        }

    def _message(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "sid": message["sid"],
            "account_sid": self.account_sid,
            "to": message.get("To"),
            "from": message.get("From"),
            "messaging_service_sid": message.get("MessagingServiceSid"),
            "body": message.get("Body", ""),
            "status": message["status"],
            "num_segments": "1",
            "num_media": "1" if message.get("MediaUrl") else "0",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "date_created": "Mon, 07 Dec 2026 05:00:00 +0000",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message['sid']}.json",
        }

    @staticmethod
    def _error(
        handler: BaseHTTPRequestHandler, status: int, code: int, message: str, retry_after: str | None = None
    ) -> None:
        body = {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status}  # fmt: skip
        FakeTwilio._send(handler, status, body, {"Retry-After": retry_after} if retry_after else None)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
