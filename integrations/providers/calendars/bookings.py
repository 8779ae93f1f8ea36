"""Booking an event exactly once per idempotency key, whatever retries, redeliveries or races happen.

Two layers: a CalendarBooking row per key, created (unique) before the provider is called and finished after, so
a turn run again after a booking returns the stored event without calling the provider; and the provider's own
stable id for the key (CalDAV UID with If-None-Match, Graph transactionId and a keyed property, Google event id),
so two attempts racing past the row, or one retried after a crash between the two writes, still make one event.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.db.models import F

from integrations.models import CalendarBooking

from .base import CalendarError, Event, EventSpec, Provider


def _stored(data: dict[str, Any]) -> Event:
    return Event(
        id=str(data.get("id") or ""),
        title=str(data.get("title") or ""),
        start=datetime.fromisoformat(str(data["start"])),
        end=datetime.fromisoformat(str(data["end"])),
        attendees=list(data.get("attendees") or []),
        location=str(data.get("location") or ""),
        description=str(data.get("description") or ""),
        link=str(data.get("link") or ""),
        created=False,
    )


def book(
    provider: Provider,
    spec: EventSpec,
    *,
    flow_id: str = "",
    conversation_id: str = "",
    node_id: str = "",
    run_id: Any = None,
) -> Event:
    """The event for spec.idempotency_key: made now (created=True) or found from an earlier attempt (created=False)."""
    key = hashlib.sha256(spec.idempotency_key.encode()).hexdigest()
    booking, _new = CalendarBooking.objects.get_or_create(
        key=key,
        defaults={
            "credential_id": getattr(provider.cred, "id", None),
            "provider": str(getattr(provider.cred, "kind", "")),
            "calendar_id": provider.calendar_id[:500],
            "flow_id": str(flow_id)[:40],
            "conversation_id": str(conversation_id)[:40],
            "node_id": str(node_id)[:100],
            "run_id": run_id,
        },
    )
    if booking.status == CalendarBooking.Status.BOOKED and booking.event:
        return _stored(booking.event)
    CalendarBooking.objects.filter(pk=booking.pk).update(attempts=F("attempts") + 1)
    try:
        event = provider.create(spec)
    except CalendarError as exc:
        # Only a pending row turns failed: a racing attempt that has booked meanwhile keeps its row as it is.
        CalendarBooking.objects.filter(pk=booking.pk, status__in=["pending", "failed", "cancelled"]).update(
            status=CalendarBooking.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    CalendarBooking.objects.filter(pk=booking.pk).update(
        status=CalendarBooking.Status.BOOKED, event_id=event.id[:500], event=event.as_dict(), error=""
    )
    return event


def cancelled(provider: Provider, event_id: str) -> int:
    """Mark the bookings of a cancelled event, so that booking the same key again makes a new event."""
    return CalendarBooking.objects.filter(
        credential_id=provider.cred.id, event_id=event_id, status=CalendarBooking.Status.BOOKED
    ).update(status=CalendarBooking.Status.CANCELLED)


def rescheduled(provider: Provider, event: Event) -> int:
    """Keep the stored copy of a moved event current, so a replayed booking turn reports the new time."""
    return CalendarBooking.objects.filter(
        credential_id=provider.cred.id, event_id=event.id, status=CalendarBooking.Status.BOOKED
    ).update(event=event.as_dict())
