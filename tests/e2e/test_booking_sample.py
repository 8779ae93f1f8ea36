"""The shipped "Book an appointment" sample, live: the owner connects it to a Radicale calendar through the builder
API and publishes it; a customer books one of the offered slots over the public chat API (uvicorn, a real Celery
worker, Redis, Radicale); the event is in the calendar once, however often the customer's message is replayed.

Expectations are worked out from the sample's settings and the clock, in the business's zone, so the tests hold on
any day and at any hour (a weekend or an evening offers the next business day; clock changes are per local date).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from flows.models import Flow
from tests.e2e.helpers import run_reply, say, start, texts
from tests.factories import EditorFactory
from tests.integrations.calendar.conftest import PASSWORD, USER, dav, dav_principal, radicale  # noqa: F401
from tests.integrations.nodes.support import credential

pytestmark = [pytest.mark.e2e]

SAMPLE = Path(__file__).resolve().parents[2] / "flows" / "demo" / "booking.json"
CUSTOMER, EMAIL = "Ada", "ada@example.com"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def hours(text: str) -> dict[int, list[tuple[time, time]]]:
    """Opening hours by weekday from "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00"."""
    names = [d[:3] for d in DAYS]
    found: dict[int, list[tuple[time, time]]] = {}
    for clause in text.split(";"):
        days, ranges = clause.strip().split(" ", 1)
        first, _, last = days.partition("-")
        for day in range(names.index(first), names.index(last or first) + 1):
            for item in ranges.split(","):
                opens, closes = item.strip().split("-")
                found.setdefault(day, []).append((time.fromisoformat(opens), time.fromisoformat(closes)))
    return found


class Business:
    """The sample's availability settings, read from the shipped file, and the slots a person would work out."""

    def __init__(self, node: dict):
        data = node["data"]
        self.zone = ZoneInfo(data["time_zone"])
        self.hours = hours(data["business_hours"])
        # Clocks change between 00:00 and 03:00 (London: 01:00 UTC): with opening hours after that, a business
        # wall time maps to one instant, and a step inside a range is the same on the wall clock and in UTC.
        assert all(opens >= time(3) for ranges in self.hours.values() for opens, _ in ranges), self.hours
        self.duration = timedelta(minutes=data["duration_min"])
        self.step = timedelta(minutes=data["step_min"])
        self.before = timedelta(minutes=data["buffer_before_min"])
        self.after = timedelta(minutes=data["buffer_after_min"])
        self.notice = timedelta(minutes=data["min_notice_min"])
        self.days, self.max_slots = data["days_ahead"], data["max_slots"]

    def slots(self, now: datetime, busy: list[tuple[datetime, datetime]], limit: int | None = None) -> list[datetime]:
        """Slot starts (UTC) from `now`: weekdays, inside the hours, after the notice, clear of busy times' buffers.

        Days are counted on the business's calendar (a local date each), so a day with a clock change has the
        business hours it really has.
        """
        found: list[datetime] = []
        today = now.astimezone(self.zone).date()
        for offset in range(self.days):
            day = today + timedelta(days=offset)
            for opens, closes in self.hours.get(day.weekday(), []):
                at = self.instant(day, opens)
                while at + self.duration <= self.instant(day, closes):
                    clear = all(at + self.duration + self.before <= b0 or at >= b1 + self.after for b0, b1 in busy)
                    if at >= now + self.notice and clear:
                        found.append(at)
                        if len(found) == (limit or self.max_slots):
                            return found
                    at += self.step
        return found

    def instant(self, day: date, wall: time) -> datetime:
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)

    def label(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        return f"{DAYS[local.weekday()][:3]} {local:%H:%M}"

    def summary(self, starts: list[datetime]) -> str:
        """ "09:30, 10:00 or 11:00 on Monday; 09:00 on Tuesday", in the business zone."""
        by_day: dict[date, list[str]] = {}
        for at in starts:
            local = at.astimezone(self.zone)
            by_day.setdefault(local.date(), []).append(f"{local:%H:%M}")
        said = [
            f"{times[0] if len(times) == 1 else ', '.join(times[:-1]) + ' or ' + times[-1]} on {DAYS[day.weekday()]}"
            for day, times in by_day.items()
        ]
        return "; ".join(said)

    def when(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} at {local:%H:%M}"


def answer(base_url: str, conversation: dict, text: str, message_id: str) -> dict:
    """The bot's reply to the customer's message (waiting for it as a widget would when the turn takes long)."""
    response = say(base_url, conversation, text, message_id, wait=20)
    if response.status_code == 202:
        response = run_reply(base_url, conversation, response.json()["run_id"], wait=20)
    assert response.status_code == 200, response.text
    return response.json()


def attendees(component) -> list[str]:
    found = component.get("attendee") or []
    return [str(a).lower() for a in (found if isinstance(found, list) else [found])]


class Shop:
    """The business owner's side: the sample bootstrapped, busy times in the calendar, connected and published."""

    def __init__(self, live, server_url: str, peer):
        self.url, self.dav = live.url, peer
        out = io.StringIO()
        call_command("bootstrap_demo", stdout=out)
        shipped = json.loads(SAMPLE.read_text())
        assert f"Sample flow 'booking' loaded as a draft: {shipped['about']}" in out.getvalue()
        self.flow = Flow.objects.get(slug=shipped["slug"])
        self.business = Business(next(n for n in shipped["graph"]["nodes"] if n["id"] == "find"))

        # Two appointments already taken, each where the bot would otherwise offer a slot. Written in UTC: Radicale
        # (vobject) reuses the first VTIMEZONE it parses for a TZID, so one of the test's own would decide how it
        # reads the events the flow writes.
        soon = datetime.now(UTC) + timedelta(minutes=1)  # slots still bookable when the worker looks, a bit later
        first = self.business.slots(soon, [], limit=1)[0]
        self.busy = [(first, first + timedelta(minutes=30))]
        second = self.business.slots(soon, self.busy)[1]
        self.busy.append((second + timedelta(minutes=10), second + timedelta(minutes=55)))
        self.taken = [self.business.label(first), self.business.label(second)]
        for n, (begins, ends) in enumerate(self.busy):
            peer.add(f"busy-{n}@tests", begins, ends, summary="Busy")

        # The admin stores a CalDAV connection, picks it in both Calendar nodes of the draft, and publishes.
        cred = credential(
            "Clinic calendar",
            "caldav",
            {"url": server_url, "username": USER, "calendar": peer.name},
            {"password": PASSWORD},
        )
        self.api = {"Authorization": f"Token {Token.objects.create(user=EditorFactory()).key}"}
        listed = self.get("/api/v1/credentials/")
        assert [c["id"] for c in listed if c["kind"] == "caldav"] == [cred.pk]
        draft = self.get(f"/api/v1/flows/{self.flow.pk}/")
        assert draft["published_version"] is None
        graph = draft["graph"]
        for node in graph["nodes"]:
            if node["type"] == "calendar":
                node["data"]["credential"] = cred.pk
        saved = requests.patch(
            f"{self.url}/api/v1/flows/{self.flow.pk}/", json={"graph": graph}, headers=self.api, timeout=10
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["problems"] == []
        published = requests.post(f"{self.url}/api/v1/flows/{self.flow.pk}/publish/", headers=self.api, timeout=10)
        assert published.status_code == 201, published.text

    def get(self, path: str):
        response = requests.get(f"{self.url}{path}", headers=self.api, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def bookings(self) -> list:
        """The calendar's events other than the ones it started with."""
        return [e for e in self.dav.events() if not str(e["uid"]).startswith("busy-")]

    def offer(self, name: str, email: str, busy: list[tuple[datetime, datetime]]) -> tuple[dict, dict, list[datetime]]:
        """A customer gives a name and an email; the conversation, the bot's offer and the slots it stands for."""
        conversation = start(self.url, self.flow.slug)
        assert texts(conversation) == ["Hi! I can book you a 30-minute consultation.", "What's your name?"]
        reply = answer(self.url, conversation, name, f"{name}-1")
        assert texts(reply) == [f"Thanks {name}! Which email should the invitation go to?"]
        asked_at = datetime.now(UTC)
        offer = answer(self.url, conversation, email, f"{name}-2")
        # The first free slots as the business counts them, at some instant while the worker ran the turn.
        labels = [c["label"] for c in offer["input"]["choices"]]
        possible = [self.business.slots(moment, busy) for moment in (asked_at, datetime.now(UTC))]
        slots = next((p for p in possible if [self.business.label(t) for t in p] == labels), None)
        assert slots is not None, (
            f"offered {labels}, expected {[[self.business.label(t) for t in p] for p in possible]}"
        )
        return conversation, offer, slots


def test_a_customer_books_an_offered_slot_and_a_replayed_answer_books_nothing_more(live, radicale, dav):  # noqa: F811
    shop = Shop(live, radicale, dav)
    business = shop.business
    conversation, offer, offered = shop.offer(CUSTOMER, EMAIL, shop.busy)

    (question,) = offer["messages"]
    choices = offer["input"]["choices"]
    assert offer["input"]["type"] == "choice" and question["choices"] == choices
    assert len(offered) == business.max_slots
    assert question["text"] == f"I have {business.summary(offered)}. Which suits you?"
    for begins in offered:
        for b0, b1 in shop.busy:
            assert begins + business.duration + business.before <= b0 or begins >= b1 + business.after
    assert not set(shop.taken) & {c["label"] for c in choices}

    # The customer takes the last time offered (the widget sends the choice's id).
    chosen = offered[-1]
    confirmation = answer(live.url, conversation, choices[-1]["id"], "pick")
    assert texts(confirmation) == [
        f"You're booked for {business.when(chosen)} (London time). An invitation is on its way to {EMAIL}."
    ]
    assert confirmation["status"] == "ended"
    (event,) = shop.bookings()
    assert event.decoded("dtstart") == chosen
    assert event.decoded("dtend") == chosen + business.duration
    assert str(event["summary"]) == f"Consultation with {CUSTOMER}"
    assert f"mailto:{EMAIL}" in attendees(event)

    # The widget sends the same message again (a lost answer, a double tap): the same reply, nothing booked again.
    again = answer(live.url, conversation, choices[-1]["id"], "pick")
    assert again == confirmation
    assert len(shop.bookings()) == 1 and len(dav.events()) == len(shop.busy) + 1
    runs = shop.get(f"/api/v1/conversations/{conversation['id']}/runs/")
    assert len(runs) == 4
    assert [s["node_id"] for run in runs for s in run["steps"]].count("book") == 1


def test_the_next_customer_is_not_offered_the_time_just_booked(live, radicale, dav):  # noqa: F811
    """The booking the flow wrote counts as busy in the server's free/busy answer at the instant it was booked."""
    shop = Shop(live, radicale, dav)
    business = shop.business
    conversation, offer, offered = shop.offer(CUSTOMER, EMAIL, shop.busy)
    chosen = offered[0]
    confirmation = answer(live.url, conversation, offer["input"]["choices"][0]["id"], "pick")
    assert texts(confirmation)[0].startswith(f"You're booked for {business.when(chosen)} ")
    (event,) = shop.bookings()
    assert event.decoded("dtstart") == chosen

    # Grace asks next: the booked time and the slots inside its buffers are busy now.
    _, _, later = shop.offer("Grace", "grace@example.com", [*shop.busy, (chosen, chosen + business.duration)])
    assert chosen not in later
    assert len(shop.bookings()) == 1


def test_the_business_slots_helper_follows_the_sample():
    """The test's own arithmetic, on fixed dates: a Sunday offers Monday; buffers and notice apply; DST-safe."""
    node = next(n for n in json.loads(SAMPLE.read_text())["graph"]["nodes"] if n["id"] == "find")
    business = Business(node)
    assert business.hours == {d: [(time(9), time(12)), (time(13), time(17))] for d in range(5)}
    london = business.zone
    sunday = datetime(2026, 3, 29, 12, 0, tzinfo=london)  # the day clocks go forward
    starts = business.slots(sunday, [])
    assert [business.label(s) for s in starts] == ["Mon 09:00", "Mon 09:30", "Mon 10:00"]
    assert starts[0] == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    busy = [(datetime(2026, 3, 30, 9, 30, tzinfo=london), datetime(2026, 3, 30, 10, 0, tzinfo=london))]
    assert [business.label(s) for s in business.slots(sunday, busy)] == ["Mon 10:30", "Mon 11:00", "Mon 11:30"]
    friday_late = datetime(2026, 10, 23, 15, 31, tzinfo=london)
    assert business.summary(business.slots(friday_late, [])) == "09:00, 09:30 or 10:00 on Monday"
    assert business.when(datetime(2026, 10, 26, 9, 0, tzinfo=UTC)) == "Monday 26 Oct at 09:00"
