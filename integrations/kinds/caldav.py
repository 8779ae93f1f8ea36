"""CalDAV calendar: a server URL, a username and password, and which calendar to book into.

Works with Apple iCloud (https://caldav.icloud.com/ and an app-specific password), Nextcloud
(https://cloud.example.com/remote.php/dav/), Fastmail (https://caldav.fastmail.com/dav/), Radicale and others.
The connection check signs in, lists the account's calendars and finds the one named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .base import RATE, URL, CheckFailed, Field, Kind


class CalDav(Kind):
    key = "caldav"
    label = "CalDAV calendar"
    description = "A CalDAV calendar (iCloud, Nextcloud, Fastmail, Radicale...) for the Calendar node."
    fields = (
        Field("url", "Server URL", "The CalDAV address, such as https://caldav.fastmail.com/dav/.", type=URL,
              required=True),
        Field("username", "Username", required=True),
        Field("password", "Password", "For iCloud and Fastmail, an app-specific password.", secret=True,
              required=True),
        Field("calendar", "Calendar", "Its name as shown in the calendar app, or its URL; blank for the first one."),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "10/s"; blank for none.', type=RATE),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        calendar = str(settings.get("calendar") or "")
        url = str(settings.get("url") or "")
        if "://" in calendar and url and urlsplit(calendar).netloc != urlsplit(url).netloc:
            return {"calendar": "Give a calendar on the same server as the server URL (or its name)."}
        return {}

    def summary(self, settings: Mapping[str, Any]) -> str:
        where = urlsplit(str(settings.get("url") or "")).netloc
        calendar = settings.get("calendar") or "first calendar"
        return f"{settings.get('username', '')} on {where} ({calendar})"

    def client(self, resolved: Any, services: Any, **options: Any) -> Any:
        """A caldav DAVClient signed in as the username (basic auth), sending through the run's guarded client."""
        import base64

        from integrations.providers.transports.caldav import dav_client

        username = str(resolved.settings.get("username") or "")
        password = str(resolved.secrets.get("password") or "")
        # The Authorization header is masked by name; its base64 value is taught too, wherever else it shows.
        services.redactor.add(base64.b64encode(f"{username}:{password}".encode()).decode())
        url = str(resolved.settings.get("url") or "").strip()
        return dav_client(services.http, url, username, password, **options)

    def check(self, resolved, services) -> str:
        from integrations.providers.calendars import CalendarError, provider

        try:
            return provider(resolved, services).check()
        except CalendarError as exc:
            raise CheckFailed(str(exc)) from None
