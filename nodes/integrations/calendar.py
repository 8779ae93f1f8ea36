"""`calendar`: free slots in business hours; book, move, cancel and list events (CalDAV, Outlook, Google).

Every time is explicit: slots and events are saved with their UTC offset in the business's time zone, and labelled
in it ("Tue 10:00"). A start without an offset is read in the business's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal

from pydantic import Field

from integrations.providers import calendars
from integrations.providers.calendars import CalendarError, Event, EventSpec, Provider, slots
from integrations.urls import steps_away
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output, lookup, template_field, variable_field
from nodes.core.answers import parse_email
from nodes.templating import is_template

from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Exchanges,
    RetryConfig,
    credential,
    credential_field,
    retry_field,
    save_as_field,
    services,
    show_when,
    timeout_field,
)

Operation = Literal["check_availability", "create_event", "reschedule_event", "cancel_event", "list_events"]
AVAILABILITY = ["check_availability"]
TIMED = ["create_event", "reschedule_event"]
AVAILABILITY_OUTPUTS = (
    Output("available", "Available"),
    Output("unavailable", "No free slot"),
    Output("error", "Error"),
)


class CalendarConfig(NodeConfig):
    credential: int | None = credential_field(calendars.kinds(), title="Calendar connection")
    operation: Operation = Field("check_availability", title="Operation")
    calendar_id: str = template_field(
        "",
        title="Calendar",
        max_length=500,
        description="Blank for the connection's calendar. Otherwise: for CalDAV its name or URL, for Google its "
        "calendar id (such as team@group.calendar.google.com), for Outlook its id.",
    )
    time_zone: str = Field(
        "UTC", title="Business time zone", max_length=64, description="An IANA name, such as Europe/London."
    )
    # check availability
    business_hours: str = show_when(
        Field(
            "Mon-Fri 09:00-17:00",
            title="Business hours",
            max_length=500,
            description='Days and times, such as "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00".',
        ),
        operation=AVAILABILITY,
    )
    duration_min: int = show_when(
        Field(30, ge=5, le=24 * 60, title="Duration (minutes)"), operation=[*AVAILABILITY, *TIMED]
    )
    step_min: int = show_when(Field(30, ge=5, le=24 * 60, title="Offer a slot every (minutes)"), operation=AVAILABILITY)
    buffer_before_min: int = show_when(
        Field(0, ge=0, le=24 * 60, title="Free time before other events (minutes)"), operation=AVAILABILITY
    )
    buffer_after_min: int = show_when(
        Field(0, ge=0, le=24 * 60, title="Free time after other events (minutes)"), operation=AVAILABILITY
    )
    min_notice_min: int = show_when(
        Field(60, ge=0, le=60 * 24 * 60, title="Minimum notice (minutes)"), operation=AVAILABILITY
    )
    days_ahead: int = show_when(Field(7, ge=1, le=90, title="Days ahead"), operation=[*AVAILABILITY, "list_events"])
    max_slots: int = show_when(Field(10, ge=1, le=50, title="At most this many slots"), operation=AVAILABILITY)
    save_summary_as: str | None = show_when(
        variable_field(None, title='Save a sentence ("10:00, 10:30 or 14:00 on Tuesday") in'), operation=AVAILABILITY
    )
    # create / reschedule
    slot_variable: str | None = show_when(
        variable_field(None, title="The chosen slot is in", description="A slot saved by a question's choice."),
        operation=TIMED,
    )
    start: str = show_when(
        template_field(
            "",
            title="Or start at",
            max_length=100,
            description="An ISO date-time, such as 2026-03-10T10:00; without an offset it is in the business zone.",
        ),
        operation=TIMED,
    )
    title: str = show_when(template_field("Appointment", title="Title", max_length=300), operation=["create_event"])
    attendees: str = show_when(
        template_field("", title="Attendees", max_length=2000, description="Email addresses, separated by commas."),
        operation=["create_event"],
    )
    description: str = show_when(
        template_field("", title="Description", multiline=True, max_length=8000), operation=["create_event"]
    )
    location: str = show_when(template_field("", title="Location", max_length=500), operation=["create_event"])
    idempotency_key: str = show_when(
        template_field(
            "",
            title="Booking key",
            max_length=500,
            description="The same key never books twice. Blank: the flow, conversation, node and start time.",
        ),
        operation=["create_event"],
    )
    # reschedule / cancel / list
    event_id: str = show_when(
        template_field("", title="Event id", max_length=500, description="Such as {{ booking.id }}."),
        operation=["reschedule_event", "cancel_event"],
    )
    attendee: str = show_when(
        template_field("", title="Whose events (email)", max_length=320, description="Blank for all events."),
        operation=["list_events"],
    )
    limit: int = show_when(Field(10, ge=1, le=100, title="At most this many events"), operation=["list_events"])
    save_as: str | None = save_as_field("Save the result in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _check_ids(config: CalendarConfig) -> None:
    """Ids go into the provider's URLs as one encoded segment each; ".." or "." (a variable's value, say) would step to
    another resource instead, so they are refused before any request."""
    calendar_id = config.calendar_id.strip()
    if calendar_id and steps_away(calendar_id):
        raise NodeError(f"{calendar_id!r} is not a calendar id.")
    if (
        config.operation in ("reschedule_event", "cancel_event")
        and config.event_id.strip()
        and steps_away(config.event_id.strip())
    ):
        raise NodeError(f"{config.event_id.strip()!r} is not an event id.")


def _zone(config: CalendarConfig) -> tzinfo:
    try:
        return slots.zone(config.time_zone)
    except ValueError as exc:
        raise NodeError(str(exc)) from None


def _parse_start(text: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise NodeError(f"{text.strip()!r} is not a date and time; give one such as 2026-03-10T10:00.") from None
    return moment if moment.tzinfo else slots.aware(moment, tz)


def _later(start: datetime, minutes: int) -> datetime:
    """start + minutes of real time (in UTC: a zoned datetime adds on the wall clock, wrong across a DST change)."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


def _emails(text: str) -> list[str]:
    found = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        email = parse_email(part)
        if email is None:
            raise NodeError(f"{part.strip()!r} is not an email address.")
        found.append(email)
    return found


def _shown(event: Event, tz: tzinfo, zone_name: str) -> dict[str, Any]:
    """The event as saved: times in the business zone, and a "when" a bot can say."""
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    when = f"{slots.DAY_NAMES[start.weekday()]} {start.day} {slots.MONTHS[start.month - 1]} at {start:%H:%M}"
    return {
        **event.as_dict(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "when": when,
        "time_zone": zone_name,
    }


class Calendar(NodeType[CalendarConfig]):
    key = "calendar"
    label = "Calendar"
    category = CATEGORY
    icon = "calendar"
    description = "Find free slots in business hours, book, move or cancel appointments, list a person's events."
    outputs = OUTPUTS
    Config = CalendarConfig

    def handles(self, config: CalendarConfig) -> list[str]:
        if config.operation == "check_availability":
            return [o.id for o in AVAILABILITY_OUTPUTS]
        return [o.id for o in self.outputs]

    def dynamic_outputs(self) -> dict[str, Any]:
        return {
            "when": {"operation": "check_availability"},
            "outputs": [{"id": o.id, "label": o.label} for o in AVAILABILITY_OUTPUTS],
        }

    def check(self, config: CalendarConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if config.credential is None:  # else a customer would answer every question first, then meet a setup error
            problems.append(("credential", "Pick a calendar connection (a credential of a calendar kind)."))
        tz: tzinfo = UTC
        try:
            tz = slots.zone(config.time_zone)
        except ValueError as exc:
            problems.append(("time_zone", str(exc)))
        if config.operation == "check_availability":
            try:
                slots.parse_hours(config.business_hours)
            except ValueError as exc:
                problems.append(("business_hours", str(exc)))
        if config.operation in TIMED:
            if not config.slot_variable and not config.start.strip():
                problems.append(("start", "Give the start time, or the variable holding the chosen slot."))
            elif config.start.strip() and not is_template(config.start):
                try:
                    _parse_start(config.start, tz)
                except NodeError as exc:
                    problems.append(("start", str(exc)))
        if config.operation in ("reschedule_event", "cancel_event") and not config.event_id.strip():
            problems.append(("event_id", "Give the id of the event, such as {{ booking.id }}."))
        if config.operation == "create_event" and config.attendees.strip() and not is_template(config.attendees):
            try:
                _emails(config.attendees)
            except NodeError as exc:
                problems.append(("attendees", str(exc)))
        return problems

    def run(self, config: CalendarConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        if config.credential is None:
            raise NodeError("No calendar connection is chosen; pick one in the node's settings.")
        cred = credential(svc, ctx, config.credential, calendars.kinds())
        tz = _zone(config)
        _check_ids(config)
        exchanges = Exchanges(svc)
        try:
            provider = svc.calendar(cred, config.calendar_id.strip())
            provider.timeout_s, provider.retry = config.timeout_s, config.retry.policy()
            handle, value, output = getattr(self, f"_{config.operation}")(config, ctx, provider, tz)
        except CalendarError as exc:
            raise CallFailed(str(exc), {"exchanges": exchanges.new()}) from None
        except NodeError as exc:
            raise CallFailed(str(exc), {"exchanges": exchanges.new()}) from None
        output["exchanges"] = exchanges.new()
        variables = {config.save_as: value} if config.save_as else {}
        if config.operation == "check_availability" and config.save_summary_as:
            variables[config.save_summary_as] = output.pop("summary")
        return Outcome(handle=handle, variables=variables, output=output)

    # -- operations: each returns (handle, the value saved, the step output) --

    def _check_availability(
        self, config: CalendarConfig, ctx: Context, provider: Provider, tz: tzinfo
    ) -> tuple[str, Any, dict[str, Any]]:
        try:
            hours = slots.parse_hours(config.business_hours)
        except ValueError as exc:
            raise NodeError(str(exc)) from None
        now = ctx.now()
        start, end = slots.window(now, tz, config.days_ahead)
        busy = provider.busy(start, end)
        found = slots.free_slots(
            busy,
            tz=tz,
            hours=hours,
            duration=timedelta(minutes=config.duration_min),
            step=timedelta(minutes=config.step_min),
            buffer_before=timedelta(minutes=config.buffer_before_min),
            buffer_after=timedelta(minutes=config.buffer_after_min),
            min_notice=timedelta(minutes=config.min_notice_min),
            now=now,
            days=config.days_ahead,
            max_slots=config.max_slots,
        )
        with_date = config.days_ahead > 7
        output = {
            "window": {"start": start.astimezone(tz).isoformat(), "end": end.astimezone(tz).isoformat()},
            "busy": len(busy),
            "slots": len(found),
            "summary": slots.summary(found, tz, with_date=with_date),
        }
        return ("available" if found else "unavailable"), slots.slot_dicts(found, tz, config.days_ahead), output

    def _times(self, config: CalendarConfig, ctx: Context, tz: tzinfo) -> tuple[datetime, datetime]:
        """Start and end: from the chosen slot when one is named and set, else from the start field."""
        if config.slot_variable:
            slot = lookup(ctx.variables, config.slot_variable)
            if isinstance(slot, dict) and slot.get("start"):
                start = _parse_start(str(slot["start"]), tz)
                end = _parse_start(str(slot["end"]), tz) if slot.get("end") else None
                return start, end if end and end > start else _later(start, config.duration_min)
            if not config.start.strip():
                raise NodeError(f"The variable {config.slot_variable!r} holds no chosen slot (with a start time).")
        start = _parse_start(config.start, tz)
        return start, _later(start, config.duration_min)

    def _create_event(
        self, config: CalendarConfig, ctx: Context, provider: Provider, tz: tzinfo
    ) -> tuple[str, Any, dict[str, Any]]:
        start, end = self._times(config, ctx, tz)
        key = config.idempotency_key.strip() or (
            f"calendar:{ctx.flow_id}:{ctx.conversation_id}:{ctx.node_id}:{start.astimezone(UTC).isoformat()}"
        )
        spec = EventSpec(
            title=config.title.strip() or "Appointment",
            start=start.astimezone(tz),
            end=end.astimezone(tz),
            time_zone=config.time_zone.strip(),
            idempotency_key=key,
            attendees=tuple(_emails(config.attendees)),
            description=config.description,
            location=config.location.strip(),
        )
        event = services(ctx, self.label).book_event(
            provider, spec, flow_id=ctx.flow_id, conversation_id=ctx.conversation_id, node_id=ctx.node_id
        )
        return "success", _shown(event, tz, config.time_zone.strip()), {"created": event.created, "event_id": event.id}

    def _reschedule_event(
        self, config: CalendarConfig, ctx: Context, provider: Provider, tz: tzinfo
    ) -> tuple[str, Any, dict[str, Any]]:
        start, end = self._times(config, ctx, tz)
        event = services(ctx, self.label).reschedule_event(
            provider, config.event_id.strip(), start.astimezone(tz), end.astimezone(tz)
        )
        return "success", _shown(event, tz, config.time_zone.strip()), {"event_id": event.id}

    def _cancel_event(
        self, config: CalendarConfig, ctx: Context, provider: Provider, tz: tzinfo
    ) -> tuple[str, Any, dict[str, Any]]:
        services(ctx, self.label).cancel_event(provider, config.event_id.strip())
        return "success", {"id": config.event_id.strip(), "cancelled": True}, {"event_id": config.event_id.strip()}

    def _list_events(
        self, config: CalendarConfig, ctx: Context, provider: Provider, tz: tzinfo
    ) -> tuple[str, Any, dict[str, Any]]:
        attendee = config.attendee.strip()
        if attendee and parse_email(attendee) is None:
            raise NodeError(f"{attendee!r} is not an email address.")
        now = ctx.now()
        events = provider.upcoming(now, now + timedelta(days=config.days_ahead), attendee, config.limit)  # UTC: exact
        shown = [_shown(e, tz, config.time_zone.strip()) for e in events]
        return "success", shown, {"events": len(shown)}
