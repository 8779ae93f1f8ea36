"""Time in flows, with a set clock: wait for and until, business hours across a weekend and DST, question timeouts
with reminders, messages during a wait, and the timer node's set, cancel and fired branch. No database, no sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flows.engine import ACTIVE, ENDED, WAKE_CLEAR, WAKE_KEEP, WAKE_SET, State, TurnResult, run_turn
from flows.graph import Graph
from nodes.core import moments

from . import compile_doc, edge, flow, node, problems_of, texts


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class TimedChat:
    """A conversation driven as the worker drives it, with a set clock and the wake-up it was given last."""

    def __init__(self, graph: Graph, at: datetime):
        self.graph, self.clock = graph, Clock(at)
        self.state = State()
        self.wake: dict[str, Any] | None = None

    def _turn(self, text: str | None = None, timer: dict[str, Any] | None = None) -> TurnResult:
        result = run_turn(self.graph, self.state, text, now=self.clock, timer=timer)
        self.state = result.state
        if result.wake_mode == WAKE_SET:
            self.wake = result.wake
        elif result.wake_mode == WAKE_CLEAR:
            self.wake = None
        return result

    def start(self) -> TurnResult:
        return self._turn()

    def say(self, text: str) -> TurnResult:
        return self._turn(text)

    def wake_up(self) -> TurnResult:
        """Move the clock to the wake-up and fire it, as the scheduler does."""
        assert self.wake is not None, "nothing to wake"
        self.clock.at = self.wake["at"]
        timer = {"kind": "wake", "payload": self.wake["payload"], "node_id": self.wake["node_id"], "firing": 1}
        return self._turn(timer=timer)

    def fire(self, name: str, node_id: str, firing: int = 1) -> TurnResult:
        return self._turn(timer={"kind": "named", "name": name, "node_id": node_id, "firing": firing})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def wait_flow(*, time_zone: str = "UTC", **wait: Any) -> Graph:
    doc = flow(
        node("hello", "message", text="Hello"),
        node("pause", "wait", **wait),
        node("later", "message", text="Later!"),
        node("ask", "question", text="Your name?", variable="name"),
        node("bye", "message", text="Bye {{ name }}"),
    )
    doc["settings"] = {"time_zone": time_zone}
    return compile_doc(doc)


def test_durations_read_as_people_write_them():
    assert moments.duration("90s") == timedelta(seconds=90)
    assert moments.duration("15m") == timedelta(minutes=15)
    assert moments.duration("2h") == timedelta(hours=2)
    assert moments.duration("3d") == timedelta(days=3)
    assert moments.duration("1h30m") == timedelta(minutes=90)
    for bad in ("", "ten minutes", "5", "0s", "400d", "5w"):
        try:
            moments.duration(bad)
        except ValueError as exc:
            assert str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")


def test_wait_for_a_delay_pauses_then_goes_on_when_woken():
    chat = TimedChat(wait_flow(delay="15m"), at("2026-05-04T10:00:00+00:00"))

    first = chat.start()
    assert texts(first) == ["Hello"]
    assert first.state == State(ACTIVE, "pause", {})
    wake_at = "2026-05-04T10:15:00+00:00"
    assert first.awaiting == {"type": "wait", "choices": None, "node_id": "pause", "wake_at": wake_at}
    assert first.wake_mode == WAKE_SET and first.wake["at"] == at("2026-05-04T10:15:00+00:00")

    woken = chat.wake_up()
    assert texts(woken) == ["Later!", "Your name?"]
    assert woken.state.waiting_node == "ask" and woken.wake_mode == WAKE_CLEAR


def test_wait_until_a_moment_without_offset_is_read_in_the_flows_time_zone_across_dst():
    before = TimedChat(wait_flow(until="2026-03-28T10:00", time_zone="Europe/London"), at("2026-03-27T08:00:00+00:00"))
    assert before.start().wake["at"] == at("2026-03-28T10:00:00+00:00")  # GMT
    after = TimedChat(wait_flow(until="2026-03-30T10:00", time_zone="Europe/London"), at("2026-03-27T08:00:00+00:00"))
    assert after.start().wake["at"] == at("2026-03-30T09:00:00+00:00")  # BST, after the clocks went forward
    offset = TimedChat(wait_flow(until="2026-03-30T10:00+02:00", time_zone="Europe/London"), at("2026-03-27T08:00Z"))
    assert offset.start().wake["at"] == at("2026-03-30T08:00:00+00:00")


def test_wait_until_a_templated_moment_renders_it_first():
    doc = flow(
        node("when", "set_variable", variable="when", value="2026-06-01T12:30"),
        node("pause", "wait", until="{{ when }}"),
        node("later", "message", text="It is time."),
    )
    doc["settings"] = {"time_zone": "America/New_York"}
    chat = TimedChat(compile_doc(doc), at("2026-05-31T00:00:00+00:00"))
    assert chat.start().wake["at"] == at("2026-06-01T16:30:00+00:00")
    assert texts(chat.wake_up()) == ["It is time."]


def test_a_moment_already_past_wakes_at_once():
    chat = TimedChat(wait_flow(until="2020-01-01T00:00"), at("2026-05-04T10:00:00+00:00"))
    assert chat.start().wake["at"] == at("2026-05-04T10:00:00+00:00")


def test_business_hours_move_the_end_of_a_wait_over_the_weekend_and_the_dst_change():
    # Friday 27 March 2026, 16:30 in Berlin (CET, UTC+1); clocks go forward on Sunday 29 March.
    hours = "Mon-Fri 09:00-17:00"
    chat = TimedChat(
        wait_flow(delay="1h", business_hours=hours, time_zone="Europe/Berlin"), at("2026-03-27T16:30:00+01:00")
    )
    # 17:30 on Friday is after hours: Monday 09:00 in Berlin, now CEST (UTC+2).
    assert chat.start().wake["at"] == at("2026-03-30T09:00:00+02:00")
    assert texts(chat.wake_up()) == ["Later!", "Your name?"]

    inside = TimedChat(
        wait_flow(delay="15m", business_hours=hours, time_zone="Europe/Berlin"), at("2026-03-27T10:00:00+01:00")
    )
    assert inside.start().wake["at"] == at("2026-03-27T10:15:00+01:00")  # inside the hours: as it is

    # New York changes on Sunday 8 March 2026: Saturday 12:00 EST plus 2h lands on Monday 09:00 EDT.
    ny = TimedChat(
        wait_flow(delay="2h", business_hours="Mon-Fri 09:00-17:00", time_zone="America/New_York"),
        at("2026-03-07T12:00:00-05:00"),
    )
    assert ny.start().wake["at"] == at("2026-03-09T09:00:00-04:00")


def test_a_message_during_a_wait_is_kept_and_answered_after_it():
    chat = TimedChat(wait_flow(delay="2h"), at("2026-05-04T10:00:00+00:00"))
    chat.start()

    during = chat.say("Ada")
    assert texts(during) == [] and during.state.waiting_node == "pause"
    assert during.wake_mode == WAKE_KEEP and during.state.held == ["Ada"]

    woken = chat.wake_up()
    # The question asks, and the kept message answers it in the same turn.
    assert texts(woken) == ["Later!", "Your name?", "Bye Ada"]
    assert woken.state.status == ENDED and woken.state.held == []
    assert [s.node_id for s in woken.steps] == ["pause", "later", "ask", "ask", "bye"]


def test_a_message_can_cancel_the_wait_instead():
    chat = TimedChat(wait_flow(delay="2h", on_message="cancel"), at("2026-05-04T10:00:00+00:00"))
    chat.start()

    result = chat.say("Grace")
    assert texts(result) == ["Later!", "Your name?", "Bye Grace"]
    assert result.state.status == ENDED and result.wake_mode == WAKE_CLEAR


def test_a_wait_needs_exactly_one_of_delay_and_until_and_valid_hours():
    found = problems_of(flow(node("w", "wait")))
    assert [(p.node_id, p.field) for p in found] == [("w", "delay")]
    found = problems_of(flow(node("w", "wait", delay="soon", business_hours="weekdays")))
    assert {p.field for p in found} == {"delay", "business_hours"}
    found = problems_of({**flow(node("w", "wait", delay="1m")), "settings": {"time_zone": "Mars/Olympus"}})
    assert [p.field for p in found] == ["settings.time_zone"]


def question_flow(*, wired: bool = True, reminders: int = 2) -> Graph:
    doc = flow(
        node(
            "ask",
            "question",
            text="What is your order number?",
            variable="order",
            timeout="10m",
            reminders=reminders,
            reminder_text="Still there? What is your order number?",
        ),
        node("thanks", "message", text="Thanks for {{ order }}"),
    )
    if wired:
        doc["nodes"].append(node("gone", "message", text="I'll close this for now."))
        doc["edges"].append(edge("ask", "gone", "timeout"))
    return compile_doc(doc)


def test_a_question_reminds_twice_then_follows_its_timeout_handle():
    chat = TimedChat(question_flow(), at("2026-05-04T10:00:00+00:00"))
    assert chat.start().wake["at"] == at("2026-05-04T10:10:00+00:00")

    first = chat.wake_up()
    assert texts(first) == ["Still there? What is your order number?"]
    assert first.wake["at"] == at("2026-05-04T10:20:00+00:00") and first.state.waiting_node == "ask"
    second = chat.wake_up()
    assert texts(second) == ["Still there? What is your order number?"]
    assert second.wake["at"] == at("2026-05-04T10:30:00+00:00")

    last = chat.wake_up()
    assert texts(last) == ["I'll close this for now."]
    assert last.state.status == ENDED and last.steps[0].handle == "timeout"


def test_an_answer_before_the_timeout_clears_the_wake_up():
    chat = TimedChat(question_flow(), at("2026-05-04T10:00:00+00:00"))
    chat.start()
    chat.wake_up()
    answered = chat.say("A-7")
    assert texts(answered) == ["Thanks for A-7"] and answered.wake_mode == WAKE_CLEAR


def test_a_timeout_that_is_not_wired_keeps_waiting_silently():
    chat = TimedChat(question_flow(wired=False, reminders=1), at("2026-05-04T10:00:00+00:00"))
    chat.start()
    assert texts(chat.wake_up()) == ["Still there? What is your order number?"]
    silent = chat.wake_up()
    assert texts(silent) == [] and silent.state.waiting_node == "ask" and silent.wake_mode == WAKE_CLEAR
    assert texts(chat.say("B-2")) == ["Thanks for B-2"]


def timer_flow(**timer: Any) -> Graph:
    doc = flow(
        node("remind", "timer", name="nudge", **timer),
        node("ask", "question", text="Pick a time?", variable="slot"),
        node("ok", "message", text="Booked {{ slot }}"),
        chain=True,
    )
    doc["nodes"].append(node("nudge_msg", "message", text="Don't forget to pick a time!"))
    doc["edges"].append(edge("remind", "nudge_msg", "fired"))
    return compile_doc(doc)


def test_the_timer_node_sets_a_named_timer_and_goes_on_at_once():
    chat = TimedChat(timer_flow(schedule="every", every="1d", count=3), at("2026-05-04T10:00:00+00:00"))
    result = chat.start()
    assert texts(result) == ["Pick a time?"] and result.state.waiting_node == "ask"
    assert result.timers == [
        {
            "op": "set",
            "name": "nudge",
            "due": at("2026-05-05T10:00:00+00:00"),
            "every_s": 86400,
            "count": 3,
            "end": None,
            "node_id": "remind",
        }
    ]


def test_a_fired_timer_runs_its_branch_and_the_question_keeps_waiting():
    chat = TimedChat(timer_flow(delay="1h"), at("2026-05-04T10:00:00+00:00"))
    chat.start()

    fired = chat.fire("nudge", "remind")
    assert texts(fired) == ["Don't forget to pick a time!"]
    assert [s.node_id for s in fired.steps] == ["remind", "nudge_msg"] and fired.steps[0].handle == "fired"
    assert fired.kept_wait and fired.wake_mode == WAKE_KEEP
    assert fired.state == State(ACTIVE, "ask", {})
    assert texts(chat.say("Tuesday")) == ["Booked Tuesday"]


def test_cancelling_a_timer_by_name():
    doc = flow(
        node("set", "timer", name="nudge", delay="1h"),
        node("unset", "timer", name="nudge", action="cancel"),
        node("ask", "question", text="Anything?"),
    )
    result = TimedChat(compile_doc(doc), at("2026-05-04T10:00:00+00:00")).start()
    assert [(op["op"], op["name"], op["node_id"]) for op in result.timers] == [
        ("set", "nudge", "set"),
        ("cancel", "nudge", "unset"),
    ]


def test_a_repeating_timer_needs_a_count_or_an_end():
    found = problems_of(flow(node("t", "timer", name="x", schedule="every", every="1h")))
    assert [(p.node_id, p.field) for p in found] == [("t", "count")]
    found = problems_of(flow(node("t", "timer", name="bad name!", delay="1x")))
    assert {p.field for p in found} == {"name", "delay"}
