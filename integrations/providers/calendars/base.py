"""What every calendar provider offers the Calendar node: busy times, and events created idempotently."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.http import Retry


class CalendarError(Exception):
    """The provider refused or failed; the message is a plain sentence for the step, without any secret."""


@dataclass(frozen=True)
class EventSpec:
    """An event to book. start/end are timezone-aware; time_zone is the IANA name the event is shown in."""

    title: str
    start: datetime
    end: datetime
    time_zone: str
    idempotency_key: str  # the same key never makes a second event, whatever retries or redeliveries happen
    attendees: tuple[str, ...] = ()
    description: str = ""
    location: str = ""


@dataclass
class Event:
    """An event as the flow sees it (saved into variables as as_dict())."""

    id: str
    title: str
    start: datetime
    end: datetime
    attendees: list[str] = field(default_factory=list)
    location: str = ""
    description: str = ""
    link: str = ""
    created: bool = True  # False when an earlier attempt had already made it (idempotent replay)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "attendees": list(self.attendees),
            "location": self.location,
            "description": self.description,
            "link": self.link,
        }


def stable_id(key: str, length: int = 32) -> str:
    """An event id derived from the idempotency key: lowercase hex, valid for Google (base32hex) and as a CalDAV UID."""
    return hashlib.sha256(key.encode()).hexdigest()[:length]


class Provider(ABC):
    """One per node run: built from a resolved credential and the run's services (guarded HTTP, redaction)."""

    # Set by the node before any call (its timeout and retry settings); every request of the provider uses them.
    timeout_s: float = 10.0
    retry: Retry | None = None

    def __init__(self, cred: Any, services: Any, calendar_id: str = ""):
        self.cred = cred
        self.services = services
        self.calendar_id = calendar_id

    def rate_keys(self) -> list[tuple[str, str]]:
        """The credential's own rate limit ("10/s"), when it sets one, as rate_keys for the guarded client."""
        rate = str((self.cred.settings or {}).get("rate_limit") or "").replace(" ", "")
        return [(f"credential:{self.cred.id}", rate)] if rate else []

    @abstractmethod
    def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Busy intervals overlapping [start, end), timezone-aware, in any order."""

    @abstractmethod
    def create(self, spec: EventSpec) -> Event:
        """Book the event; if one with spec.idempotency_key exists already, return it (created=False)."""

    @abstractmethod
    def reschedule(self, event_id: str, start: datetime, end: datetime) -> Event:
        """Move an event; CalendarError when it does not exist."""

    @abstractmethod
    def cancel(self, event_id: str) -> None:
        """Delete or cancel an event; cancelling one already gone is not an error."""

    @abstractmethod
    def upcoming(self, start: datetime, end: datetime, attendee: str = "", limit: int = 10) -> list[Event]:
        """Events between start and end, earliest first; with an attendee, only events that person attends."""

    @abstractmethod
    def check(self) -> str:
        """The connection check (the credential kind's check calls this): a sentence, or CalendarError."""
