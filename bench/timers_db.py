"""Run in the stack's environment (`python -m bench.timers_db <command>`): the timer benchmark's rows.

setup N       a published flow (wait 1h -> message -> end) and N conversations waiting at its wait, each with its
              pending wake-up far in the future (rows written in bulk, as N earlier turns would have left them)
arm S [SPREAD] move the pending wake-ups to S seconds from now (all in the same instant, or spread evenly over
              SPREAD seconds); prints the moment as epoch seconds
stats         per fired timer: due, claimed (fired_at), turn started and finished, as one JSON document
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta

import django

WAIT = {
    "nodes": [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": "pause", "type": "wait", "position": {"x": 240, "y": 0}, "data": {"delay": "1h"}},
        {"id": "back", "type": "message", "position": {"x": 480, "y": 0}, "data": {"text": "Back, as promised."}},
        {"id": "bye", "type": "end", "position": {"x": 720, "y": 0}, "data": {}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "pause"},
        {"id": "e2", "source": "pause", "sourceHandle": "next", "target": "back"},
        {"id": "e3", "source": "back", "sourceHandle": "next", "target": "bye"},
    ],
}


def setup(count: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from flows import actions
    from flows.models import Conversation, Flow, Timer

    slug = f"bench-timers-{secrets.token_hex(3)}"
    flow = Flow(name="Bench timers", slug=slug)
    problems = actions.save_flow(flow, graph=WAIT)
    if [p for p in problems if p["severity"] == "error"]:
        raise SystemExit(f"the bench flow has problems: {problems}")
    version = actions.publish(flow, None)
    far = timezone.now() + timedelta(days=1)
    with transaction.atomic():
        conversations = Conversation.objects.bulk_create(
            Conversation(
                flow=flow,
                version=version,
                waiting_node="pause",
                awaiting={"type": "wait", "choices": None, "node_id": "pause", "wake_at": far.isoformat()},
                token_hash=secrets.token_hex(32),
            )
            for _ in range(count)
        )
        Timer.objects.bulk_create(
            Timer(conversation=c, flow=flow, version=version, kind="wake", node_id="pause", due_at=far)
            for c in conversations
        )
    return {"flow_id": flow.pk, "conversations": count}


def arm(in_s: float, spread_s: float = 0.0) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from flows.models import Timer

    at = timezone.now() + timedelta(seconds=in_s)
    with transaction.atomic():
        if not spread_s:
            n = Timer.objects.filter(state="pending").update(due_at=at)
        else:
            ids = list(Timer.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True))
            step = spread_s / max(1, len(ids))
            for i, pk in enumerate(ids):
                Timer.objects.filter(pk=pk).update(due_at=at + timedelta(seconds=i * step))
            n = len(ids)
    return {"armed": n, "at": at.timestamp(), "spread_s": spread_s}


def stats() -> dict:
    from django.utils.dateparse import parse_datetime

    from flows.models import Run, Timer

    runs = {
        r["timer_id"]: r
        for r in Run.objects.filter(trigger="timer").values(
            "timer_id", "started_at", "finished_at", "status", "inbound__payload"
        )
    }

    def epoch(value) -> float | None:
        return value.timestamp() if value else None

    rows = []
    for t in Timer.objects.values("pk", "fired_at", "state"):
        run = runs.get(t["pk"], {})
        due = (run.get("inbound__payload") or {}).get("due_at")
        rows.append(
            {
                "state": t["state"],
                "due_at": epoch(parse_datetime(due)) if due else None,
                "fired_at": epoch(t["fired_at"]),
                "started_at": epoch(run.get("started_at")),
                "finished_at": epoch(run.get("finished_at")),
                "run_status": run.get("status"),
            }
        )
    return {"timers": rows}


def main() -> None:
    django.setup()

    command, *args = sys.argv[1:]
    if command == "setup":
        out = setup(int(args[0]))
    elif command == "arm":
        out = arm(float(args[0]), float(args[1]) if len(args) > 1 else 0.0)
    elif command == "stats":
        out = stats()
    else:
        raise SystemExit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
