"""Target 1: the engine's cost per step of each core node type, in process (flows.engine.run_turn on compiled graphs).

Each step is timed inside real turns: a minimal on_step hook notes the clock when a step starts, so a step's time is
from its start to the next step's start (or to run_turn's return for the last one). That is everything the engine
spends on the step: the loop, rendering the config's templates, the node's run(), the trace record. A cross-check
runs long chains of one node type without any hook and divides the turn by its steps.
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import time
from typing import Any

from .common import say, short_name, summary

TARGET_US = 20.0


def _node(node_id: str, node_type: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "position": {"x": 0, "y": 0}, "data": data}


def _edge(source: str, target: str, handle: str = "next") -> dict[str, Any]:
    return {"id": f"{source}-{handle}-{target}", "source": source, "sourceHandle": handle, "target": target}


# Every core type, with templates where users put them: start -> set_variable -> condition -> message -> question,
# the question loops back to set_variable, and condition's false handle ends the conversation.
CORE_FLOW = {
    "nodes": [
        _node("start", "start"),
        _node("greet", "set_variable", variable="greeting", value="Hello {{ name }}"),
        _node(
            "check",
            "condition",
            match="all",
            rules=[
                {"variable": "name", "operator": "is_set", "value": ""},
                {"variable": "n", "operator": "greater_than", "value": "1"},
            ],
        ),
        _node("say", "message", text="{{ greeting }}! You said: {{ said }}"),
        _node("ask", "question", text="What next, {{ name }}?", input_type="text", variable="said"),
        _node("bye", "end", text="Bye {{ name }}."),
    ],
    "edges": [
        _edge("start", "greet"),
        _edge("greet", "check"),
        _edge("check", "say", "true"),
        _edge("check", "bye", "false"),
        _edge("say", "ask"),
        _edge("ask", "greet"),
    ],
}


def _chain(node_type: str, count: int, **data: Any) -> dict[str, Any]:
    """start -> count nodes of one type -> a question that waits."""
    nodes = [_node("start", "start")] + [_node(f"n{i}", node_type, **data) for i in range(count)]
    nodes.append(_node("wait", "question", text="?", input_type="text"))
    ids = [n["id"] for n in nodes]
    handle = "true" if node_type == "condition" else "next"
    edges = [_edge(a, b, "next" if a == "start" else handle) for a, b in zip(ids, ids[1:], strict=False)]
    return {"nodes": nodes, "edges": edges}


CHAINS = {
    "message": {"text": "{{ greeting }}! You said: {{ said }}"},
    "set_variable": {"variable": "greeting", "value": "Hello {{ name }}"},
    "condition": {"match": "all", "rules": [{"variable": "name", "operator": "is_set", "value": ""}]},
}


def _compile(doc: dict[str, Any]):
    from flows.graph import analyse
    from nodes.registry import registry

    graph, problems = analyse(doc, registry())
    if graph is None:
        raise RuntimeError(f"bench graph has problems: {[p.message for p in problems]}")
    return graph


def _timed_turns(graph, make_state, text, reps: int, per_type: dict[str, list[float]], turns: list[float]) -> None:
    from flows.engine import run_turn

    perf = time.perf_counter
    marks: list[tuple[float, str]] = []

    def hook(event: str, step) -> None:
        if event == "step.started":
            marks.append((perf(), step.node_type))

    for _ in range(reps):
        marks.clear()
        state = make_state()
        t0 = perf()
        result = run_turn(graph, state, text, on_step=hook)
        t1 = perf()
        turns.append((t1 - t0) * 1e6)
        ends = [m[0] for m in marks[1:]] + [t1]
        for (start, node_type), end in zip(marks, ends, strict=True):
            key = node_type
            if node_type == "question":
                key = "question (answer)" if start == marks[0][0] and text is not None else "question (ask)"
            per_type.setdefault(key, []).append((end - start) * 1e6)
        if result.failed:
            raise RuntimeError(f"bench turn failed: {result.error}")


def run(reps: int = 20000) -> dict[str, Any]:
    """Per-step medians per node type, the chains cross-check, and where the engine's time goes (cProfile)."""
    from flows.engine import State, run_turn

    graph = _compile(CORE_FLOW)
    fresh = {"name": "Ada", "n": 5, "said": ""}
    scenarios = [
        # (what, make_state, text): a new conversation, a reply to the waiting question, a conversation that ends
        ("first turn", lambda: State(variables=dict(fresh)), None),
        ("reply turn", lambda: State(waiting_node="ask", variables=dict(fresh)), "hello there"),
        ("ending turn", lambda: State(variables={"name": "Ada", "n": 0}), None),
    ]
    per_type: dict[str, list[float]] = {}
    turn_stats: dict[str, dict[str, float]] = {}
    say(f"engine: {len(scenarios)} turn shapes x {reps} repetitions (after warm-up)")
    for what, make_state, text in scenarios:
        _timed_turns(graph, make_state, text, 500, {}, [])  # warm-up: template compile cache, pydantic, caches
        turns: list[float] = []
        gc.collect()
        _timed_turns(graph, make_state, text, reps, per_type, turns)
        turn_stats[what] = summary(turns)

    chains: dict[str, dict[str, float]] = {}
    length = 100
    for node_type, data in CHAINS.items():
        chain = _compile(_chain(node_type, length, **data))
        per_step: list[float] = []
        for i in range(reps // 20 + 50):
            state = State(variables=dict(fresh))
            t0 = time.perf_counter()
            run_turn(chain, state, None, step_limit=length + 10)
            if i >= 50:
                per_step.append((time.perf_counter() - t0) * 1e6 / (length + 2))
        chains[node_type] = summary(per_step)

    # Where the time goes in a reply turn (question answer -> set_variable -> condition -> message -> question ask).
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3000):
        run_turn(graph, State(waiting_node="ask", variables=dict(fresh)), "hello there")
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    top = _top_functions(stats, 12)

    steps = {key: summary(values) for key, values in per_type.items()}
    return {
        "reps": reps,
        "target_us": TARGET_US,
        "steps": steps,
        "turns": turn_stats,
        "chains": chains,
        "chain_length": length,
        "profile": top,
        "profile_turns": 3000,
    }


def _top_functions(stats: pstats.Stats, count: int) -> list[dict[str, Any]]:
    """The functions with the most own time (tottime), with their cumulative time, per profiled call."""
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {"function": short_name(filename, line, name), "calls": ncalls, "tottime": tottime, "cumtime": cumtime}
        )
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    return rows[:count]
