"""docs/benchmarks.md and the console summary, from the results of one `make bench` run."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .common import OUT, ROOT, fmt

NOTES = Path(__file__).resolve().parent / "notes.md"
ENGINE_ORDER = ["start", "message", "question (ask)", "question (answer)", "condition", "set_variable", "end"]
TURN_TARGETS = {"p50_ms": 10.0, "p99_ms": 50.0, "rps": 400.0}
WS_TARGET_MS = 5.0
STACK_LABEL = {"postgres": "PostgreSQL + Redis", "embedded": "embedded (SQLite + bundled redis-server)"}
# Target 4's probes: idle, under load, and under load with the watcher's socket on a web process of its own.
TRACE_RUNS = (("idle", "idle"), ("loaded", "loaded"), ("loaded_apart", "loaded, socket on a web process of its own"))


def _get(d: Any, *path: Any, default: Any = None) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**not met**")


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b or a != a or b != b:
        return "-"
    return f"{a / b:.2f}x"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# -- the targets at a glance -----------------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    steps = _get(results, "engine", "steps") or {}
    if steps:
        worst = max(ENGINE_ORDER, key=lambda k: _get(steps, k, "p50", default=0) or 0)
        w = _get(steps, worst, "p50")
        rows.append(
            [
                "1. engine step, median per core node type",
                "<= 20 us",
                f"{fmt(w, 1)} us (slowest: {worst})",
                _verdict(w is not None and w <= 20),
            ]
        )
    for kind in ("postgres", "embedded"):
        load = _get(results, kind, "load")
        label = STACK_LABEL[kind]
        if not load:
            rows.append(
                [
                    f"2. chat turn over HTTP, {label}",
                    "p50 <= 10 ms, p99 <= 50 ms, >= 400/s",
                    "not measured (see errors)",
                    "-",
                ]
            )
            continue
        p50, p99, rps = load.get("p50_ms"), load.get("p99_ms"), load.get("rps")
        ok = p50 <= 10 and p99 <= 50 and rps >= 400
        rows.append(
            [
                f"2. chat turn over HTTP, 32 clients, {label}",
                "p50 <= 10 ms, p99 <= 50 ms, >= 400/s",
                f"p50 {fmt(p50)} ms, p99 {fmt(p99)} ms, {fmt(rps, 0)}/s",
                _verdict(ok),
            ]
        )
    pg = _get(results, "postgres", "load")
    for name in ("node-red", "n8n"):
        peer = _get(results, "peers", "results", name)
        if pg and peer:
            rows.append(
                [
                    f"3. peer anchor: {name} (same wrk settings)",
                    "side by side",
                    f"ours (PostgreSQL) {_ratio(pg['rps'], peer['rps'])} its turns/s, "
                    f"{_ratio(pg['p50_ms'], peer['p50_ms'])} its p50",
                    "-",
                ]
            )
        else:
            rows.append([f"3. peer anchor: {name}", "side by side", "not measured (see errors)", "-"])
    for kind in ("postgres", "embedded"):
        for when, label in TRACE_RUNS:
            ws = _get(results, kind, f"trace_{when}")
            if ws:
                p50 = _get(ws, "step_finished_ms", "p50")
                rows.append(
                    [
                        f"4. step event to WebSocket, {STACK_LABEL[kind]}, {label}",
                        "p50 <= 5 ms",
                        f"p50 {fmt(p50, 2)} ms, p99 {fmt(_get(ws, 'step_finished_ms', 'p99'), 2)} ms (step.finished)",
                        _verdict(p50 <= WS_TARGET_MS),
                    ]
                )
    rows += canvas_targets(results.get("canvas") or {})
    if results.get("widget"):
        rows += widget_targets(results["widget"])
    rows += versus_targets(results.get("versus") or {})
    return rows


# -- sections --------------------------------------------------------------------------------------------------------


def engine_section(e: dict[str, Any]) -> str:
    rows = []
    for key in ENGINE_ORDER:
        s = _get(e, "steps", key)
        if s:
            rows.append(
                [
                    key,
                    fmt(s["p50"], 2),
                    fmt(s["p90"], 2),
                    fmt(s["p99"], 2),
                    f"{s['n']:,}",
                    _verdict(s["p50"] <= e["target_us"]),
                ]
            )
    chain_rows = [
        [key, fmt(s["p50"], 2), fmt(s["p90"], 2), f"{s['n']:,}"] for key, s in (e.get("chains") or {}).items()
    ]
    turn_rows = [[key, fmt(s["p50"], 1), fmt(s["p99"], 1)] for key, s in (e.get("turns") or {}).items()]
    profile = [
        [
            f"`{r['function']}`",
            fmt(r["calls"] / e["profile_turns"], 1),
            fmt(r["tottime"] * 1e6 / e["profile_turns"], 2),
            fmt(r["cumtime"] * 1e6 / e["profile_turns"], 2),
        ]
        for r in e.get("profile", [])
    ]
    return "\n\n".join(
        [
            "### Per step (us), in real turns",
            f"Each of three turn shapes ran {e['reps']:,} times after a warm-up (a new conversation: start, "
            "set_variable, condition, message, question asks; a reply: question takes the answer, set_variable, "
            "condition, message, question asks again; an ending conversation: start, set_variable, condition "
            "false, end). Templates in the configs as users write them (`Hello {{ name }}`).",
            _table(["node type", "median", "p90", "p99", "steps timed", "target <= 20 us"], rows),
            "### Cross-check: chains of 100 nodes of one type, no hook, turn time / steps (us)",
            _table(["node type", "median", "p90", "turns"], chain_rows),
            "### Whole turns (us)",
            _table(["turn", "median", "p99"], turn_rows),
            f"### Where the engine's time goes (cProfile, {e['profile_turns']:,} reply turns, per turn)",
            "cProfile inflates everything several times over; read it for proportions, not for absolute times.",
            _table(["function", "calls/turn", "own us/turn", "cumulative us/turn"], profile),
        ]
    )


def _load_row(name: str, r: dict[str, Any]) -> list[str]:
    lua = r.get("lua") or {}
    errors = r.get("socket_errors", 0) + lua.get("not_ok", r.get("non_2xx", 0))
    return [
        name,
        fmt(r.get("rps"), 0),
        fmt(r.get("p50_ms"), 1),
        fmt(r.get("p90_ms"), 1),
        fmt(r.get("p99_ms"), 1),
        fmt(r.get("p999_ms"), 1),
        f"{r.get('requests', 0):,}",
        str(errors),
        str(lua.get("pending", "-")),
    ]


LOAD_HEADER = ["", "turns/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "turns", "errors", "202 pending"]


def cpu_table(cpu: dict[str, Any], turns: int) -> str:
    used = cpu["cpu_s"]
    rows = []
    ours = 0.0
    for name, seconds in used.items():
        if name != "web: its main thread (event loop)":
            ours += seconds
        rows.append(
            [name, fmt(seconds, 2), fmt(seconds * 1000 / max(turns, 1), 2), fmt(seconds / cpu["wall_s"] * 100, 0)]
        )
        if name == "web: its main thread (event loop)" and "web (whole process)" in used:
            threads = used["web (whole process)"] - seconds
            rows.append(
                [
                    "web: request threads (Django views)",
                    fmt(threads, 2),
                    fmt(threads * 1000 / max(turns, 1), 2),
                    fmt(threads / cpu["wall_s"] * 100, 0),
                ]
            )
    other = max(cpu["machine_busy_s"] - ours, 0.0)  # CPU is counted in 10 ms ticks: a small negative is noise
    rows.append(
        [
            "everything else on the machine",
            fmt(other, 2),
            fmt(other * 1000 / max(turns, 1), 2),
            fmt(other / cpu["wall_s"] * 100, 0),
        ]
    )
    rows.append(
        [
            "**machine busy (all cores)**",
            fmt(cpu["machine_busy_s"], 2),
            fmt(cpu["machine_busy_s"] * 1000 / max(turns, 1), 2),
            f"{fmt(cpu['machine_busy_s'] / cpu['wall_s'] * 100, 0)} of "
            f"{fmt(cpu['machine_total_s'] / cpu['wall_s'] * 100, 0)}",
        ]
    )
    return _table(["process", "CPU s", "CPU ms per turn", "% of one core"], rows)


def chat_section(results: dict[str, Any]) -> str:
    out = []
    rows = []
    for kind in ("postgres", "embedded"):
        r = _get(results, kind, "load")
        if r:
            rows.append(_load_row(STACK_LABEL[kind], r))
    out.append(_table(LOAD_HEADER, rows) if rows else "Not measured (see errors).")
    for kind in ("postgres", "embedded"):
        r = _get(results, kind, "load")
        if r and r.get("cpu"):
            out.append(
                f"#### CPU during the run, {STACK_LABEL[kind]} ({fmt(r['cpu']['wall_s'], 1)} s, "
                f"{r.get('requests', 0):,} turns)"
            )
            out.append(cpu_table(r["cpu"], r.get("requests", 0)))
        q = _get(results, kind, "queue")
        if q:
            out.append(
                f"Under this load, a turn waited **{fmt(_get(q, 'queued_to_started_ms', 'p50'))} ms** (median; p99 "
                f"{fmt(_get(q, 'queued_to_started_ms', 'p99'))} ms) between being stored by the view and a worker "
                f"process starting it (`Run.queued_at` -> `Run.started_at`, {STACK_LABEL[kind]}); "
                f"the engine part of the task then took {fmt(_get(q, 'engine_with_events_ms', 'p50'), 2)} ms "
                "(median `Run.duration_ms`, step events included)."
            )
    return "\n\n".join(out)


def peers_section(results: dict[str, Any]) -> str:
    p = results.get("peers") or {}
    rows = []
    pg = _get(results, "postgres", "load")
    emb = _get(results, "embedded", "load")
    if pg:
        rows.append(_load_row("**ours, PostgreSQL + Redis** (chat turn: 2 DB transactions, Celery, 3 steps)", pg)[:6])
    if emb:
        rows.append(_load_row("**ours, embedded**", emb)[:6])
    for name, r in (p.get("results") or {}).items():
        rows.append(_load_row(name, r)[:6])
    out = [_table(LOAD_HEADER[:6], rows)]
    ratio_rows = []
    for name, r in (p.get("results") or {}).items():
        for kind, ours in (("PostgreSQL", pg), ("embedded", emb)):
            if ours:
                ratio_rows.append(
                    [
                        f"ours ({kind}) / {name}",
                        _ratio(ours["rps"], r["rps"]),
                        _ratio(ours["p50_ms"], r["p50_ms"]),
                        _ratio(ours["p99_ms"], r["p99_ms"]),
                    ]
                )
    if ratio_rows:
        out.append("Ratios (ours divided by theirs: above 1 means more turns/s, or slower latency):")
        out.append(_table(["", "turns/s", "p50", "p99"], ratio_rows))
    setup = p.get("setup") or {}
    if setup:
        out.append(
            f"setup.sh took {fmt(setup.get('seconds'), 0)} s (exit {setup.get('exit')}); "
            f"stopped afterwards: {'; '.join(p.get('stopped') or []) or 'nothing'}."
        )
    for err in p.get("errors") or []:
        out.append(f"- peers: {err}")
    return "\n\n".join(out)


def ws_section(results: dict[str, Any]) -> str:
    rows = []
    for kind in ("postgres", "embedded"):
        for when, label in TRACE_RUNS:
            ws = _get(results, kind, f"trace_{when}")
            if not ws:
                continue
            rows.append(
                [
                    STACK_LABEL[kind],
                    label,
                    str(ws.get("clients", 1)),
                    str(ws["turns"]),
                    str(ws["events"]),
                    fmt(_get(ws, "step_started_ms", "p50"), 2),
                    fmt(_get(ws, "step_started_ms", "p99"), 2),
                    fmt(_get(ws, "step_finished_ms", "p50"), 2),
                    fmt(_get(ws, "step_finished_ms", "p99"), 2),
                    fmt(_get(ws, "turn_ms", "p50"), 1),
                ]
            )
    lines = [
        _table(
            [
                "stack",
                "load",
                "probe clients",
                "probe turns",
                "events",
                "started p50 ms",
                "started p99 ms",
                "finished p50 ms",
                "finished p99 ms",
                "probe turn p50 ms",
            ],
            rows,
        )
    ]
    for kind in ("postgres", "embedded"):
        bg = _get(results, kind, "load_during_trace")
        if bg:
            lines.append(
                f"Background load during the loaded probe, {STACK_LABEL[kind]}: {fmt(bg.get('rps'), 0)} "
                f"turns/s, p50 {fmt(bg.get('p50_ms'))} ms, p99 {fmt(bg.get('p99_ms'))} ms."
            )
    return "\n\n".join(lines)


def parts_section(results: dict[str, Any], kind: str) -> str:
    r = results.get(kind) or {}
    out = []
    seq, floor = _get(r, "sequential", "http"), _get(r, "floor", "floor")
    if seq:
        cpu = r.get("sequential_cpu") or {}
        used = cpu.get("cpu_s") or {}
        n = seq["count"] + 10
        web = used.get("web (whole process)")
        worker = (used.get("celery: main process (consumer)") or 0) + (used.get("celery: pool processes (-c 2)") or 0)
        q = _get(r, "sequential_queue", "queued_to_started_ms", "p50")
        pg = used.get("postgres (backends of the bench database)", used.get("postgres (all backends)"))
        machine = cpu.get("machine_busy_s")
        out.append(
            f"- One client, one turn at a time over HTTP: median **{fmt(seq['turn_ms']['p50'], 1)} ms** "
            f"(p90 {fmt(seq['turn_ms']['p90'], 1)}, p99 {fmt(seq['turn_ms']['p99'], 1)}). CPU per turn: web process "
            f"{fmt(web * 1000 / n if web is not None else None, 2)} ms, Celery worker (consumer + pool) "
            f"{fmt(worker * 1000 / n, 2)} ms"
            + (f", PostgreSQL {fmt(pg * 1000 / n, 2)} ms" if pg is not None else "")
            + (f"; the whole machine {fmt(machine * 1000 / n, 1)} ms (the Python client included)" if machine else "")
            + f". Stored by the view -> started by a worker (`Run.queued_at` -> `started_at`): median {fmt(q, 2)} ms."
        )
    if floor:
        cpu = r.get("floor_cpu") or {}
        web = _get(cpu, "cpu_s", "web (whole process)")
        loop = _get(cpu, "cpu_s", "web: its main thread (event loop)")
        n = floor["count"] + 10
        out.append(
            "- A 404 through the web server and Django's middleware (no view, no database, one warning logged): "
            f"median "
            f"{fmt(floor['http_404_ms']['p50'], 2)} ms over HTTP, web process CPU "
            f"{fmt(web * 1000 / n if web else None, 2)} ms per request, of which its event-loop thread "
            f"(HTTP parsing, ASGI, handing the request to a thread) "
            f"{fmt(loop * 1000 / n if loop is not None else None, 2)} ms; the same 404 in process through Django's "
            f"test client: median {fmt(_get(floor, 'inprocess_404_ms', 'p50'), 2)} ms."
        )
    dp = r.get("daphne_profile") or {}
    if dp:
        rows = [
            [
                {"404": "a 404", "turn": "a chat turn"}.get(name, name),
                fmt(d["busy_ms"], 2),
                fmt(d["loop_iterations"], 1),
                fmt(d["asgiref_calls"], 1),
                fmt(d["threads_started"], 2),
            ]
            for name, d in dp.items()
        ]
        out.append(
            "- daphne's event-loop thread under cProfile (a second daphne on the same stack, one client, one "
            "request at a time; Django's sync code runs on other threads and is not in this profile), per request:"
        )
        out.append(
            _table(
                [
                    "request",
                    "ms outside epoll (lock waits included; cProfile-inflated)",
                    "event-loop iterations",
                    "asgiref sync/async calls",
                    "threads started",
                ],
                rows,
            )
        )
        turn = dp.get("turn") or {}
        if turn.get("top"):
            table = _table(
                ["function", "calls", "own ms", "cumulative ms"],
                [
                    [f"`{t['function']}`", fmt(t["calls"], 1), fmt(t["own_ms"], 3), fmt(t["cum_ms"], 3)]
                    for t in turn["top"]
                ],
            )
            out.append(
                "<details><summary>daphne's event-loop thread during chat turns, top functions by own time "
                "(per turn)</summary>\n\n" + table + "\n\n</details>"
            )
    parts = r.get("parts") or {}
    for side, title in (
        ("view", "The chat view in process (Django test client, no web server)"),
        ("worker", "The task body in process, database connection kept open (no Celery around it)"),
        (
            "worker_celery_fixup",
            "The task body in process, with what Celery's Django fixup does around every task in a prefork worker "
            "(the connection closed before and after; with PostgreSQL, Django's pool closed too)",
        ),
    ):
        p = _get(parts, side, "parts_ms")
        if not p:
            continue
        total = p["total"]
        rows = [["**total**", fmt(total["p50"], 2), fmt(total["mean"], 2), "", "100%"]]
        accounted = 0.0
        for name, s in p.items():
            if name == "total" or name.endswith("(calls)") or name.startswith("engine alone"):
                continue
            calls = _get(p, f"{name} (calls)", "mean")
            share = s["mean"] / total["mean"] * 100 if total["mean"] else 0
            if "in run_turn" in name:
                pass  # nested in the run_turn row, which counts them
            else:
                accounted += s["mean"]
            rows.append([name, fmt(s["p50"], 2), fmt(s["mean"], 2), fmt(calls, 1), f"{share:.0f}%"])
        rest = total["mean"] - accounted
        rows.append(
            [
                "everything else (ORM, DRF, Django, JSON; by difference)",
                "",
                fmt(rest, 2),
                "",
                f"{rest / total['mean'] * 100:.0f}%" if total["mean"] else "-",
            ]
        )
        out.append(f"**{title}**, {total['n']} turns (ms):")
        out.append(_table(["part", "median", "mean", "calls/turn", "share of mean"], rows))
    for side, title in (("view", "chat view"), ("worker", "task body")):
        rows = [
            [row["block"].replace("  ", "&nbsp;&nbsp;"), fmt(row["calls"], 1), fmt(row["cum_ms"], 2)]
            for row in _get(parts, side, "blocks", default=[])
        ]
        if rows:
            out.append(
                f"cProfile of the {title} ({title} in process, per turn; cProfile slows everything down, "
                "read the proportions):"
            )
            out.append(_table(["block", "calls", "cumulative ms"], rows))
        prof = _get(parts, side, "profile")
        if prof:
            rows = [
                [f"`{row['function']}`", fmt(row["calls"], 1), fmt(row["own_ms"], 3), fmt(row["cum_ms"], 3)]
                for row in prof
            ]
            out.append(
                f"<details><summary>cProfile of the {title}, top functions by own time (per turn)</summary>"
                "\n\n" + _table(["function", "calls", "own ms", "cumulative ms"], rows) + "\n\n</details>"
            )
    return "\n\n".join(out) if out else "Not measured (see errors)."


CANVAS_HEADING = "## 5. Canvas: a 1,000-node flow in headless Chromium"


def canvas_targets(c: dict[str, Any]) -> list[list[str]]:
    """Rows of the targets table for the canvas (empty when it was not measured)."""
    if not c.get("open_ms"):
        return []
    t = c["targets"]
    open_ms, fps, save_ms = c["open_ms"]["p50"], c["pan"]["fps"], c["save_ms"]["p50"]
    return [
        [
            f"5. canvas: open the editor until all {c['nodes']:,} nodes are drawn (median of {c['open_ms']['n']})",
            f"<= {t['open_ms'] / 1000:g} s",
            f"{fmt(open_ms / 1000, 2)} s (first, cold cache: {fmt(c['open_first_ms'] / 1000, 2)} s)",
            _verdict(open_ms <= t["open_ms"]),
        ],
        [
            "5. canvas: frames per second while panning",
            f">= {t['fps']:g} fps",
            f"{fmt(fps, 1)} fps ({c['pan']['long_frames']} frames over 50 ms)",
            _verdict(fps >= t["fps"]),
        ],
        [
            f"5. canvas: save the {c['nodes']:,}-node graph (PATCH round trip, median of {c['save_ms']['n']})",
            f"<= {t['save_ms']:g} ms",
            f"{fmt(save_ms, 0)} ms (p90 {fmt(c['save_ms']['p90'], 0)} ms)",
            _verdict(save_ms <= t["save_ms"]),
        ],
    ]


def canvas_section(c: dict[str, Any] | None) -> str:
    """The canvas benchmark's section (bench/canvas.py); also spliced alone into the page by `BENCH_ONLY=canvas`."""
    if not c:
        return "Not measured (see errors)."
    m = c.get("machine") or {}
    out = [
        f"Measured {c.get('date', '-')} on {m.get('nproc', '?')} cores ({m.get('cpu_model', '?')}), load "
        f"{m.get('loadavg', '?')}, commit {m.get('git', '?')} (uncommitted changes: {m.get('git_dirty', '?')}); "
        f"Chromium {c.get('chromium', '?')} (Debian's, headless, through Playwright), window "
        f"{c.get('viewport', '?')}, WebGL renderer: {c.get('gpu', '?')} - no GPU. `BENCH_ONLY=canvas` reruns this "
        "part alone and "
        "rewrites only this section, so its date may differ from the rest of the page.",
        f"The flow: {c['nodes']:,} nodes of the core types in a 40-column grid, {c['edges']:,} connections (a chain "
        "through every node, 200 conditions whose `false` skips a node, one choice question with two branches), "
        f"{c.get('graph_errors', '?')} errors; its graph is {fmt((c.get('save_bytes') or 0) / 1024, 0)} KiB of JSON. "
        "Served by the web process (uvicorn) and a Celery worker on PostgreSQL + Redis, as in production; the "
        "editor is the built bundle, logged in through the admin's login page.",
    ]
    if c.get("open_ms"):
        out.append(_table(["target", "goal", "measured", ""], canvas_targets(c)))
        pan, o, d = c["pan"], c["open_ms"], c["open_dom_ms"]
        out.append(
            "\n".join(
                [
                    f"- **Open** (navigation start -> the frame after all {c['nodes']:,} `.react-flow__node` elements "
                    'are in the document and the canvas has `data-ready="true"`, i.e. painted with them): median '
                    f"{fmt(o['p50'], 0)} ms, p90 {fmt(o['p90'], 0)} ms over {o['n']} opens in fresh tabs with the "
                    f"bundle cached; the first open, bundle not cached: {fmt(c['open_first_ms'], 0)} ms (each open "
                    f"in order: {', '.join(f'{ms:,}' for ms in c.get('open_each_ms') or [])} ms; the spread is the "
                    "shared machine's load). The nodes "
                    f"were all in the document one frame earlier (median {fmt(d['p50'], 0)} ms). Fitted to the "
                    "whole flow the canvas is zoomed far out, where the nodes that are not selected are drawn as "
                    "light cards (their box, colour, run state and problem count; no handles, words or icons, which "
                    "are not painted that far out anyway: decision 0043), as a person sees them there; every node is "
                    "rendered, none is left out for being off screen. "
                    + _main_thread_text(c.get("open_main_thread_ms"), "Of an open, the renderer's main thread spent"),
                    f"- **Panning**: the mouse dragged the empty pane back and forth for {fmt(pan['seconds'], 1)} s "
                    f"({pan['moves']:,} mouse moves, {fmt(pan['moves_per_s'], 0)}/s: each move waits until the page "
                    "has taken it, so slow frames slow the input as they would a person's drag), while a "
                    "`requestAnimationFrame` "
                    f"loop in the page counted {pan['frames']} frames: **{fmt(pan['fps'], 1)} fps** (frames / time "
                    f"between the first and the last). Frame interval median {fmt(pan['frame_ms']['p50'], 1)} ms, "
                    f"p90 {fmt(pan['frame_ms']['p90'], 1)} ms, p99 {fmt(pan['frame_ms']['p99'], 1)} ms, longest "
                    f"{fmt(pan['frame_ms_max'], 0)} ms; {pan['long_frames']} frames took over 50 ms. How it is "
                    "measured matters here: headless Chromium has no display, so its frame clock is a 60 Hz timer "
                    "(60 fps is the ceiling), and without a GPU it rasterises and composites in software "
                    "(SwiftShader) on the same 2 cores as the server; a frame is late when the main thread (React "
                    "Flow re-rendering the viewport) or the software compositor takes longer than 16.7 ms. It says "
                    "nothing about the GPU path of a desktop browser, which is faster for the compositing part. "
                    + _main_thread_text(pan.get("main_thread_ms"), "During the pan, the renderer's main thread spent"),
                    f"- **Save**: `fetch` PATCH `/api/v1/flows/{{id}}/` with the whole graph from the page (session "
                    "cookie and CSRF header, as the editor's draft save sends it), call to parsed JSON answer: "
                    f"median {fmt(c['save_ms']['p50'], 0)} ms, p90 {fmt(c['save_ms']['p90'], 0)} ms, "
                    f"p99 {fmt(c['save_ms']['p99'], 0)} ms over {c['save_ms']['n']} saves (after 2 warm-ups). The "
                    "server validates every node's config against its type and stores the draft with its problems.",
                ]
            )
        )
    for err in c.get("errors") or []:
        out.append(f"- canvas: {err}")
    return "\n\n".join(out)


def _main_thread_text(ms: dict[str, float] | None, lead: str) -> str:
    """Chrome's own main-thread accounting (Performance.getMetrics), as one sentence."""
    if not ms:
        return ""
    rest = ms.get("all tasks", 0) - ms.get("script", 0) - ms.get("style", 0) - ms.get("layout", 0)
    return (
        f"{lead} {fmt(ms.get('all tasks'), 0)} ms in tasks: {fmt(ms.get('script'), 0)} ms running script (React, "
        f"React Flow), {fmt(ms.get('style'), 0)} ms recalculating styles, {fmt(ms.get('layout'), 0)} ms in layout, "
        f"{fmt(rest, 0)} ms in the rest (paint, software raster, garbage collection, parsing); Chrome's own "
        "accounting (Performance.getMetrics)."
    )


def splice_canvas(doc: str, c: dict[str, Any]) -> str:
    """docs/benchmarks.md with only its canvas section replaced (or added before the time breakdown)."""
    section = f"{CANVAS_HEADING}\n\n{canvas_section(c)}\n\n"
    start = doc.find(CANVAS_HEADING)
    if start >= 0:
        end = doc.find("\n## ", start + len(CANVAS_HEADING))
        return doc[:start] + section + (doc[end + 1 :] if end >= 0 else "")
    anchor = doc.find("## Where the time of a chat turn goes")
    if anchor < 0:
        anchor = doc.find("## Analysis and suggestions")
    if anchor < 0:
        return doc.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    return doc[:anchor] + section + doc[anchor:]


# -- the chat widget (bench/widget.py) -------------------------------------------------------------------------------

WIDGET_HEADING = "## 6. Chat widget: size, launcher and first message in headless Chromium"


def widget_targets(w: dict[str, Any]) -> list[list[str]]:
    if not w.get("sizes") or not w.get("launcher_ms"):
        return [["6. chat widget", "<= 30 KB gz; launcher <= 300 ms; first message <= 500 ms", "not measured", "-"]]
    t, sizes = w["targets"], w["sizes"]
    gz_kb = sizes["total_gz_bytes"] / 1024
    launcher, first = w["launcher_ms"]["p50"], w["inline_first_ms"]["p50"]
    return [
        [
            "6. widget: bytes for a bubble (loader + bundle, gzip)",
            f"<= {t['bundle_gz_kb']:g} KB",
            f"{fmt(gz_kb, 1)} KB (brotli {fmt(sizes['total_br_bytes'] / 1024, 1)} KB)",
            _verdict(gz_kb <= t["bundle_gz_kb"]),
        ],
        [
            f"6. widget: script load -> launcher visible (median of {w['launcher_ms']['n']}, cached)",
            f"<= {t['launcher_ms']:g} ms",
            f"{fmt(launcher, 0)} ms (first, cold cache: {fmt(w['launcher_first_ms'], 0)} ms)",
            _verdict(launcher <= t["launcher_ms"]),
        ],
        [
            f"6. widget: script load -> first bot message, inline (median of {w['inline_first_ms']['n']}, cached)",
            f"<= {t['first_message_ms']:g} ms",
            f"{fmt(first, 0)} ms (first, cold cache: {fmt(w['inline_first_first_ms'], 0)} ms)",
            _verdict(first <= t["first_message_ms"]),
        ],
    ]


def widget_section(w: dict[str, Any] | None) -> str:
    """The widget benchmark's section; also spliced alone into the page by `BENCH_ONLY=widget`."""
    if not w:
        return "Not measured (see errors)."
    m = w.get("machine") or {}
    out = [
        f"Measured {w.get('date', '-')} on {m.get('nproc', '?')} cores ({m.get('cpu_model', '?')}), load "
        f"{m.get('loadavg', '?')}, commit {m.get('git', '?')} (uncommitted changes: {m.get('git_dirty', '?')}); "
        f"Chromium {w.get('chromium', '?')} (Debian's, headless, through Playwright). The app runs as the embedded "
        "default (the web process and a Celery worker on SQLite and the bundled redis-server); the page that "
        "embeds the widget comes from a second server on another loopback port (another origin), as a customer's "
        "website would. "
        "`BENCH_ONLY=widget` reruns this part alone and rewrites only this section.",
    ]
    if w.get("launcher_ms"):
        s = w["sizes"]
        out.append(_table(["target", "goal", "measured", ""], widget_targets(w)))
        each = w.get("each") or {}
        out.append(
            "\n".join(
                [
                    "- **Size**, as the server sends it: the loader `/widget.js` "
                    f"{s['loader']['identity']['bytes']:,} B "
                    f"({s['loader']['gzip']['bytes']:,} B gzip; `{s['loader']['cache_control']}`), the hashed bundle "
                    f"`{s['bundle_path']}` {s['bundle']['identity']['bytes']:,} B, "
                    f"{s['bundle']['gzip']['bytes']:,} B gzip, {s['bundle']['br']['bytes']:,} B brotli "
                    f"(`{s['bundle']['cache_control']}`; whitenoise serves the .gz/.br copies Vite wrote beside it). "
                    "Everything a bubble needs; nothing else loads. For scale: Typebot's `@typebot.io/js` 0.10.7 "
                    "embed is 689 KB, 196 KB gzip.",
                    f"- **Launcher**: from the start of the fetch of `/widget.js` (Resource Timing) to the first "
                    "animation frame with the launcher visible; the widget shows it once it has its look from "
                    f"`/api/v1/chat/{{slug}}/widget/`. Median {fmt(w['launcher_ms']['p50'], 0)} ms, p90 "
                    f"{fmt(w['launcher_ms']['p90'], 0)} ms with the bundle cached; first load, cold cache: "
                    f"{fmt(w['launcher_first_ms'], 0)} ms (each load in order: "
                    f"{', '.join(str(x) for x in each.get('launcher', []))} ms).",
                    "- **First message, inline** (the chat starts a conversation as the page loads): from the same "
                    "start to the first frame with the bot's first message drawn: median "
                    f"{fmt(w['inline_first_ms']['p50'], 0)} ms, p90 {fmt(w['inline_first_ms']['p90'], 0)} ms; "
                    f"first load, cold cache: {fmt(w['inline_first_first_ms'], 0)} ms (each: "
                    f"{', '.join(str(x) for x in each.get('inline_first', []))} ms). The start request waits for the "
                    "worker's first turn, so this includes a whole turn through Celery.",
                    "- **First message, bubble**: from the click on the launcher (a conversation starts on open) to "
                    f"the first message drawn: median {fmt(w['click_first_ms']['p50'], 0)} ms, p90 "
                    f"{fmt(w['click_first_ms']['p90'], 0)} ms (first, cold: {fmt(w['click_first_first_ms'], 0)} ms: "
                    "the bench's first conversation, the worker's first task since it started). The spread of all "
                    "three is the shared machine's: see its load average above (2 cores, other work running).",
                ]
            )
        )
    for err in w.get("errors") or []:
        out.append(f"- widget: {err}")
    return "\n\n".join(out)


def splice_widget(doc: str, w: dict[str, Any]) -> str:
    """docs/benchmarks.md with only its widget section replaced (or added before the time breakdown)."""
    section = f"{WIDGET_HEADING}\n\n{widget_section(w)}\n\n"
    start = doc.find(WIDGET_HEADING)
    if start >= 0:
        end = doc.find("\n## ", start + len(WIDGET_HEADING))
        return doc[:start] + section + (doc[end + 1 :] if end >= 0 else "")
    for heading in ("## Regression check", "## Where the time of a chat turn goes", "## Analysis and suggestions"):
        anchor = doc.find(heading)
        if anchor >= 0:
            return doc[:anchor] + section + doc[anchor:]
    return doc.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


TIMERS_HEADING = "## 7. Timers: 10,000 due at once, and lateness at idle"
TIMER_STACKS = {"postgres": "PostgreSQL + Redis", "embedded": "embedded (SQLite + bundled redis-server)"}


def _pair(t: dict[str, Any], kind: str, part: str, key: str, scale: float, digits: int, unit: str) -> str:
    """p50 / p99 of a lateness sample (ms), scaled to the unit shown."""
    p50, p99 = (_get(t, kind, part, key, p) for p in ("p50", "p99"))
    shown = [fmt(v / scale if v is not None else None, digits) for v in (p50, p99)]
    return f"{shown[0]} / {shown[1]} {unit}"


def _rate(t: dict[str, Any], kind: str) -> float | None:
    if _get(t, kind, "drain", "turns_per_s"):
        return _get(t, kind, "drain", "turns_per_s")
    done, seconds = _get(t, kind, "drain", "completed"), _get(t, kind, "drain", "turns_drained_s")
    return done / seconds if done and seconds else None


def _turns_done(t: dict[str, Any], kind: str) -> str:
    """When the last turn was done; a run stopped before that says how far it got."""
    if _get(t, kind, "drain", "turns_drained_s") is not None:
        return f"{fmt(_get(t, kind, 'drain', 'turns_drained_s'))} s"
    done, window = _get(t, kind, "drain", "completed"), _get(t, kind, "drain", "turns_window_s")
    if not done or not window:
        return "-"
    return f"not measured to the end: {done:,} done in the first {fmt(window, 0)} s"


def timers_section(t: dict[str, Any] | None) -> str:
    """Drain time of N timers due in the same instant, and how late timers fire at idle, per stack."""
    if not t:
        return "Not measured (see errors)."
    m = t.get("machine") or {}
    kinds = [k for k in TIMER_STACKS if k in t]
    lines = [
        "One web process and one Celery worker per stack; the worker's scheduler thread fires the timers "
        "(`TIMER_POLL_S` 0.25, `TIMER_BATCH` 500). Each timer is a conversation waiting at a Wait node; its turn "
        "runs wait -> message -> end. *Claimed*: the timer row became a queued turn (`fired_at`); *turn done*: that "
        "turn's message is stored and published (`finished_at`). Lateness is measured from the due time "
        f"(`bench/timers.py`, `BENCH_ONLY=timers`). Measured {m.get('date', '?')} on {m.get('nproc', '?')} cores "
        f"({m.get('cpu_model', '?')}), load {m.get('loadavg', '?')} when it started (the machine is shared). "
        "Firing is the claim (one transaction per 500 rows, then their tasks published); the turns are ordinary "
        "turns, so draining them takes as long as the workers need for that many turns: add workers to go faster.",
        "",
        _table(
            ["", *(TIMER_STACKS[k] for k in kinds)],
            [
                [
                    f"{t.get('drain_n', 0):,} timers due at once: all claimed (queued turns) after",
                    *(f"{fmt(_get(t, k, 'drain', 'claims_drained_s'))} s" for k in kinds),
                ],
                ["... all their turns done after", *(_turns_done(t, k) for k in kinds)],
                ["... turns per second meanwhile", *(fmt(_rate(t, k), 0) for k in kinds)],
                ["... claim lateness p50 / p99", *(_pair(t, k, "drain", "claim_ms", 1000, 2, "s") for k in kinds)],
                ["... turn lateness p50 / p99", *(_pair(t, k, "drain", "turn_ms", 1000, 1, "s") for k in kinds)],
                [
                    f"idle ({t.get('idle_n', 0)} timers over 20 s): claim lateness p50 / p99",
                    *(_pair(t, k, "idle", "claim_ms", 1, 0, "ms") for k in kinds),
                ],
                ["idle: turn done p50 / p99", *(_pair(t, k, "idle", "turn_ms", 1, 0, "ms") for k in kinds)],
                [
                    "under chat load (16 chat clients): claim lateness p50 / p99",
                    *(_pair(t, k, "loaded", "claim_ms", 1, 0, "ms") for k in kinds),
                ],
                [
                    "under chat load: turn done p50 / p99",
                    *(_pair(t, k, "loaded", "turn_ms", 1, 0, "ms") for k in kinds),
                ],
                [
                    "under chat load: chat turns/s meanwhile",
                    *(fmt(_get(t, k, "loaded", "chat_turns_per_s"), 0) for k in kinds),
                ],
            ],
        ),
    ]
    errors = t.get("errors") or []
    if errors:
        lines += ["", "Errors: " + "; ".join(errors)]
    return "\n".join(lines)


def splice_timers(doc: str, t: dict[str, Any]) -> str:
    """docs/benchmarks.md with only its timers section replaced (or added before the time breakdown)."""
    section = f"{TIMERS_HEADING}\n\n{timers_section(t)}\n\n"
    start = doc.find(TIMERS_HEADING)
    if start >= 0:
        end = doc.find("\n## ", start + len(TIMERS_HEADING))
        return doc[:start] + section + (doc[end + 1 :] if end >= 0 else "")
    anchor = doc.find("## Where the time of a chat turn goes")
    if anchor < 0:
        return doc.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    return doc[:anchor] + section + doc[anchor:]


# -- ours against n8n, alternated (bench/versus.py) ----------------------------------------------------------------

VERSUS_HEADING = "## 8. Ours against n8n, alternated in one run (issue 15, target 1)"
VERSUS_TARGET = 5.0


def _x(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.2f}x"


def versus_targets(v: dict[str, Any]) -> list[list[str]]:
    """The targets-table row of issue 15's target 1 (empty when ours or n8n was not measured)."""
    r = v.get("median_ratios")
    if not r:
        return []
    pairs = ", ".join(f"{_x(p['turns_per_s'])} / {_x(p['p50'])}" for p in v.get("pair_ratios") or [])
    return [
        [
            "issue 15, 1. chat turn, 32 clients, PostgreSQL + Redis, against n8n alternated "
            f"({' '.join(v.get('order') or [])})",
            f">= {VERSUS_TARGET:g}x n8n's turns/s and <= 1/{VERSUS_TARGET:g} of its p50",
            f"{_x(r['turns_per_s'])} its turns/s, its p50 {_x(r['p50'])} ours (medians; each pair: {pairs})",
            _verdict(bool(v.get("target_met"))),
        ]
    ]


def versus_section(v: dict[str, Any] | None) -> str:
    """Ours and n8n alternated; also spliced alone into the page by `BENCH_ONLY=versus`."""
    if not v:
        return "Not measured (see errors)."
    m = v.get("machine") or {}
    peers = v.get("peers") or {}
    how = []
    if peers.get("reused"):
        how.append(f"{' and '.join(peers['reused'])} already running: reused, and left running afterwards")
    if peers.get("setup"):
        setup = peers["setup"]
        how.append(f"setup.sh ran {fmt(setup.get('seconds'), 0)} s (exit {setup.get('exit')})")
    if peers.get("stopped") is not None:
        how.append(f"stopped afterwards: {'; '.join(peers['stopped']) or 'nothing'}")
    out = [
        f"Measured {v.get('started', '-')} to {v.get('finished', '-')} on {m.get('nproc', '?')} cores "
        f"({m.get('cpu_model', '?')}), commit {m.get('git', '?')} (uncommitted changes: {m.get('git_dirty', '?')}). "
        f"**Load average {v.get('loadavg_start', '?')} at the start, {v.get('loadavg_end', '?')} at the end** (the "
        "machine is shared; the absolute figures move with it, the ratios of alternated rounds much less). "
        "`BENCH_ONLY=versus` reruns this part alone and rewrites only this section.",
        "Ours: the PostgreSQL + Redis stack as `make run` starts it (one web process, one Celery worker "
        "`-P threads -c 4`), a fresh database, the echo flow of section 2, 96 conversations started beforehand; "
        "n8n (Webhook -> Edit Fields, executions saved to SQLite) and Node-RED (stateless function node) from "
        f"`/work/shared/peers/setup.sh` ({'; '.join(how) or 'not started'}). The same wrk settings for all: "
        f"`wrk -t2 -c32 -d{v.get('wrk_seconds')}s --latency --timeout 10s`, ours with `bench/wrk-chat.lua` (each "
        "connection its own conversation, the next turn once the reply is in), the peers with "
        "`/work/shared/peers/wrk-post.lua`. A 3 s warm-up of ours and of n8n first, then the rounds in the order "
        f"{', '.join(v.get('order') or [])} with 3 s pauses, Node-RED last as the stateless ceiling. Both systems "
        "stay up throughout, idle while the other is measured. *Turns/s* counts answered turns only (errors and "
        "202s left out). *CPU ms per turn, own processes*: ours the web process + the worker + the bench database's "
        "PostgreSQL backends (the machine's Redis serves other users too and is left out); a peer's process tree.",
    ]
    rows = []
    for r in v.get("rounds") or []:
        f = r.get("figures")
        if not f:
            rows.append([str(r["round"]), r["system"], "failed: " + r.get("error", "?"), "", "", "", "", ""])
            continue
        rows.append(
            [
                str(r["round"]),
                r["system"],
                fmt(f["turns_per_s"], 1),
                fmt(f["p50_ms"], 1),
                fmt(f["p99_ms"], 1),
                f"{f['errors']} / {f['pending_202']}",
                fmt(f.get("system_cpu_ms_per_turn"), 2),
                r.get("loadavg", "-"),
            ]
        )
    out.append(
        _table(
            [
                "round",
                "system",
                "turns/s",
                "p50 ms",
                "p99 ms",
                "errors / 202",
                "CPU ms per turn, own processes",
                "load average at its start",
            ],
            rows,
        )
    )
    med = v.get("medians") or {}
    if med:
        out.append(f"Medians over the rounds ({v.get('rounds_per_system')} each for ours and n8n; with two, the mean):")
        out.append(
            _table(
                ["system", "turns/s", "p50 ms", "p99 ms", "CPU ms per turn, own processes"],
                [
                    [
                        name,
                        fmt(d.get("turns_per_s"), 1),
                        fmt(d.get("p50_ms"), 1),
                        fmt(d.get("p99_ms"), 1),
                        fmt(d.get("system_cpu_ms_per_turn"), 2),
                    ]
                    for name, d in med.items()
                ],
            )
        )
    if v.get("median_ratios"):
        rows = [
            [f"pair {i} (ours round {i}, n8n round {i})", _x(p["turns_per_s"]), _x(p["p50"]), _x(p["p99"])]
            for i, p in enumerate(v.get("pair_ratios") or [], start=1)
        ]
        r = v["median_ratios"]
        rows.append(["**ratio of the medians**", _x(r["turns_per_s"]), _x(r["p50"]), _x(r["p99"])])
        out.append(
            f"Ratios, oriented so that above 1 is better for us and {VERSUS_TARGET:g}x meets the target: turns/s ours "
            "over n8n's; latency n8n's over ours (n8n's p50 / our p50):"
        )
        out.append(
            _table(["", "turns/s: ours / n8n", "p50: n8n / ours", "p99: n8n / ours"], rows)
            + f"\n\nTarget 1 ({VERSUS_TARGET:g}x on both, in every pair and in the medians): "
            + _verdict(bool(v.get("target_met")))
            + "."
        )
    nr = v.get("nodered_ratios")
    if nr:
        out.append(
            f"Against Node-RED's stateless echo (one round): ours makes {_x(nr['turns_per_s'])} its turns/s; its p50 "
            f"is {_x(nr['p50'])} ours (its p50 / our p50)."
        )
    for err in v.get("errors") or []:
        out.append(f"- versus: {err}")
    return "\n\n".join(out)


def splice_versus(doc: str, v: dict[str, Any]) -> str:
    """docs/benchmarks.md with only its versus section replaced (or added before the hand-written issue-15 notes)."""
    section = f"{VERSUS_HEADING}\n\n{versus_section(v)}\n\n"
    start = doc.find(VERSUS_HEADING)
    if start >= 0:
        end = doc.find("\n## ", start + len(VERSUS_HEADING))
        return doc[:start] + section + (doc[end + 1 :] if end >= 0 else "")
    for heading in ("## Issue 15, ", "## Where the time of a chat turn goes", "## Analysis and suggestions"):
        anchor = doc.find(heading)
        if anchor >= 0:
            return doc[:anchor] + section + doc[anchor:]
    return doc.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


def machine_section(m: dict[str, str], results: dict[str, Any]) -> str:
    free = "\n".join("    " + line for line in m.get("free_h", "").splitlines())
    return "\n".join(
        [
            f"- Date: {m['date']} (total bench time {fmt(results.get('total_s'), 0)} s)",
            f"- `nproc`: {m['nproc']}; CPU: {m['cpu_model']}; kernel {m['kernel']}",
            f"- Load average when the bench started: {m['loadavg']} (the machine is shared and noisy)",
            "- CPU speed: "
            + (
                f"{m['calibration_ms']} ms of CPU for `bench/common.py: calibration_ms`'s fixed Python workload (the "
                "same code's figures scale with it: compare it before comparing runs)"
                if m.get("calibration_ms")
                else "not recorded in this run (`bench/common.py: calibration_ms` came later)"
            ),
            f"- Python {m['python']}; {m['postgres']}; {m['redis']}; {m['wrk']}",
            f"- Code: commit {m['git']} (working tree with uncommitted changes: {m['git_dirty']})",
            "- `free -h`:",
            "",
            free,
        ]
    )


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    notes = NOTES.read_text().strip() if NOTES.exists() else ""
    errors = list(results.get("errors") or [])
    for kind in ("postgres", "embedded"):
        errors += [f"{kind}: {e}" for e in _get(results, kind, "errors", default=[])]
    errors += [f"peers: {e}" for e in _get(results, "peers", "errors", default=[])]
    errors += [f"canvas: {e}" for e in _get(results, "canvas", "errors", default=[])]
    errors += [f"widget: {e}" for e in _get(results, "widget", "errors", default=[])]
    errors += [f"versus: {e}" for e in _get(results, "versus", "errors", default=[])]
    sections = [
        "# Benchmarks",
        "Generated by `make bench` (`bench/run.py`); the figures below are from the run of "
        f"{m['date']} and are rewritten by every full run. The analysis at the end is written by hand "
        "(`bench/notes.md`) after looking at a run. Raw results of the last run: `bench/.out/results.json`.",
        "## Machine",
        machine_section(m, results),
        "## Targets",
        _table(["target", "goal", "measured", ""], targets(results)),
        "## 1. Engine step overhead, in process",
        engine_section(results["engine"]) if results.get("engine") else "Not measured (see errors).",
        "## 2. Chat turn over HTTP, 32 concurrent clients",
        "One web process (uvicorn, as `make run` starts it) and one Celery worker "
        "(`celery -A config worker -P threads -c 4`: one process, its "
        "consumer and 4 task threads; the pool-process rows are then 0), throttles raised to "
        "1000000/min, a fresh database. The flow is an echo loop (question -> message -> question), so a turn "
        "runs 3 steps and answers 2 messages (`You said: ...` and the question again). "
        f"**Load generator: wrk** (`wrk -t2 -c32 -d{results.get('wrk_seconds')}s --latency --timeout 10s`, "
        "`bench/wrk-chat.lua`): each of the 32 connections keeps a conversation of its own and sends its next turn "
        "only once the reply to the last one is in; each turn has a fresh `client_message_id`. 96 conversations "
        "were started beforehand through the chat API, and a 3 s wrk warm-up ran first. wrk is C, but it shares the "
        "2 cores with everything else (its CPU is in the tables).",
        chat_section(results),
        "## 3. Peers, same run, same wrk settings",
        "Node-RED (HTTP in -> function -> HTTP response, stateless) and n8n (Webhook -> Edit Fields, executions "
        "saved to SQLite), from `/work/shared/peers/setup.sh`, measured with the same wrk settings and "
        "`/work/shared/peers/wrk-post.lua`, one after the other with our stacks stopped. They answer one message per "
        "request and store no conversation; a turn of ours stores the inbound message, the run, the steps and "
        "the replies, goes through Celery and publishes step events.",
        peers_section(results),
        "## 4. Step event from the worker to a WebSocket client",
        "A watcher on `/ws/flows/{id}/traces/?token=<staff user's DRF token>` (websocket-client, its own thread) "
        "while probe conversations send turns, each one at a time with 20 ms pauses: idle, one probe conversation "
        "(up to 200 turns or 8 s); loaded, 8 probe conversations for 7 s. "
        "Latency: receipt time minus the step's `at` (step.started) or minus `at + duration_ms` (step.finished); "
        "the worker's and the watcher's clocks are the same machine's `time.time()`. Under load, wrk drives "
        "the other flow with 32 connections meanwhile, so the watcher sees only the probe's runs. The loaded probe "
        "runs twice: the watcher's socket on the web process that serves the load, then on a second web process of "
        "the same application that serves no HTTP (as a deployment routes `/ws/` to processes of its own, "
        "docs/scaling.md), while the probe's turns and the load still go to the first.",
        ws_section(results),
        CANVAS_HEADING,
        canvas_section(results.get("canvas")),
        WIDGET_HEADING,
        widget_section(results.get("widget")),
        TIMERS_HEADING,
        timers_section(results.get("timers")),
        VERSUS_HEADING,
        versus_section(results.get("versus")),
        "## Where the time of a chat turn goes",
        "Measured after the load runs on each stack, with nothing else running against it. Parts are timed by "
        "wrapping the functions the code calls (`bench/breakdown.py`): queries through Django's "
        "`execute_wrapper`, commits, the throttles, the Celery send, the wait for the reply; in the task: the "
        "lock, the engine, the step events, the reply hand-off.",
    ]
    for kind in ("postgres", "embedded"):
        sections += [f"### {STACK_LABEL[kind]}", parts_section(results, kind)]
    sections += ["## Analysis and suggestions", notes or "(none yet)"]
    sections += ["## Errors in this run", "\n".join(f"- {e}" for e in errors) if errors else "None."]
    sections += [
        "## How to run",
        f"`make bench` (this run: {fmt(results.get('total_s'), 0)} s with the peers installed and running; the first "
        "`setup.sh` spends ~7 minutes in "
        "npm and is cut off after `BENCH_PEERS_SETUP_TIMEOUT`, 300 s by default). Needs `wrk` (apt-get install wrk), "
        "PostgreSQL on 127.0.0.1:5432 (user postgres; the bench drops and recreates the database `bench`) and Redis "
        "on 127.0.0.1:6379 (the bench flushes db 5). `BENCH_ONLY=engine` (or postgres, embedded, peers) runs a "
        "part and leaves this file alone; `BENCH_ONLY=canvas` (Chromium at /usr/bin/chromium, the frontend bundle "
        "built) rewrites only the canvas section, `BENCH_ONLY=widget` only the widget's, `BENCH_ONLY=versus` only "
        "section 8 (ours and n8n alternated; the peers reused when already running); "
        "`.venv/bin/python -m bench.report` rewrites this file from the "
        "last full run's results (after editing `bench/notes.md`). Before/after comparisons: `python -m bench.ab` "
        "(stack variants or an older checkout, alternated on one stack; `BENCH_PYSPY` adds profiles) and "
        "`python -m bench.queries` (the turn's statements in process); where a turn's CPU goes in process: "
        "`python -m bench.profile_turn` (a CPU-time profile of the view and the task body). Benchmarks are not part "
        "of `make test`.",
    ]
    return "\n\n".join(sections) + "\n"


def summary(results: dict[str, Any]) -> str:
    lines = ["", "=== bench summary ==="]
    for row in targets(results):
        lines.append(f"{row[0]}: {row[2]}  [{row[3].replace('*', '')}]")
    for kind in ("postgres", "embedded"):
        for e in _get(results, kind, "errors", default=[]):
            lines.append(f"error ({kind}): {e}")
    for e in _get(results, "peers", "errors", default=[]):
        lines.append(f"peers: {e}")
    for r in _get(results, "versus", "rounds", default=[]):
        f = r.get("figures") or {}
        lines.append(
            f"versus round {r['round']}, {r['system']}: {fmt(f.get('turns_per_s'))} turns/s, p50 "
            f"{fmt(f.get('p50_ms'))} ms, p99 {fmt(f.get('p99_ms'))} ms" + (f" ({r['error']})" if r.get("error") else "")
        )
    if _get(results, "versus", "loadavg_start"):
        lines.append(f"versus: load average {results['versus']['loadavg_start']} -> {results['versus']['loadavg_end']}")
    for e in _get(results, "versus", "errors", default=[]):
        lines.append(f"versus: {e}")
    for e in results.get("errors") or []:
        lines.append(f"error: {e}")
    lines.append(f"total {fmt(results.get('total_s'), 0)} s")
    return "\n".join(lines)


def _pg_key(result: dict[str, Any]) -> str:
    """The PostgreSQL CPU group of a run: the bench database's backends, or (older runs) the whole server."""
    used = ((result or {}).get("cpu") or {}).get("cpu_s") or {}
    own = "postgres (backends of the bench database)"
    return own if own in used else "postgres (all backends)"


def main() -> int:
    """`python -m bench.report`: rewrite docs/benchmarks.md from the last full run (after editing bench/notes.md)."""
    results = json.loads((OUT / "results.json").read_text())
    if "canvas" not in results and (OUT / "canvas.json").exists():
        results["canvas"] = json.loads((OUT / "canvas.json").read_text())  # from a later `BENCH_ONLY=canvas`
    if "widget" not in results and (OUT / "widget.json").exists():
        results["widget"] = json.loads((OUT / "widget.json").read_text())  # from a later `BENCH_ONLY=widget`
    if "versus" not in results and (OUT / "versus.json").exists():
        results["versus"] = json.loads((OUT / "versus.json").read_text())  # from a later `BENCH_ONLY=versus`
    missing = [part for part in ("engine", "postgres", "embedded", "peers") if part not in results]
    if missing:
        print(f"the last run was partial (no {', '.join(missing)}); run `make bench`", file=sys.stderr)
        return 1
    (ROOT / "docs" / "benchmarks.md").write_text(render(results))
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
