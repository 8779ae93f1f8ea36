"""`make bench`: every benchmark in one run, a summary on stdout, figures into docs/benchmarks.md.

Environment knobs: BENCH_SECONDS (wrk duration, default 15), BENCH_ONLY / BENCH_SKIP (comma lists of engine,
postgres, embedded, peers, canvas, widget, timers, versus), BENCH_PEERS_SETUP_TIMEOUT (seconds for setup.sh, default
300), BENCH_ENGINE_REPS (turns per shape, default 20000), BENCH_NO_DOC=1 (do not rewrite docs/benchmarks.md).
`BENCH_ONLY=canvas` rewrites only the canvas section of docs/benchmarks.md (it is measured in the browser and
stands on its own), `BENCH_ONLY=widget` only the chat widget's, and `BENCH_ONLY=timers` only the timers' (BENCH_TIMERS_N
timers due at once, default 10000), and `BENCH_ONLY=versus` only the section of ours against n8n, alternated
(BENCH_VERSUS_ROUNDS rounds each, default 2; its figures also go to results.json); other partial runs leave the file
alone.
Processes the bench starts are stopped when it ends, also on an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from typing import Any

from .common import OUT, ROOT, Procs, machine, say

PARTS = ("engine", "postgres", "embedded", "peers", "canvas", "widget", "timers", "versus")


def _wanted() -> list[str]:
    only = [p for p in os.environ.get("BENCH_ONLY", "").split(",") if p]
    skip = [p for p in os.environ.get("BENCH_SKIP", "").split(",") if p]
    return [p for p in PARTS if (not only or p in only) and p not in skip]


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    OUT.mkdir(parents=True, exist_ok=True)
    # Django in this process only serves the engine benchmark; keep its var/ files (secret key) out of var/.
    os.environ["VAR_DIR"] = str(OUT / "engine-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    seconds = int(os.environ.get("BENCH_SECONDS", "15"))
    started = time.monotonic()
    results: dict[str, Any] = {"machine": machine(), "wrk_seconds": seconds, "errors": []}
    say(
        f"machine: {results['machine']['nproc']} cores, {results['machine']['cpu_model']}, "
        f"load {results['machine']['loadavg']}"
    )
    wanted = _wanted()
    with Procs() as procs:
        for part in wanted:
            t0 = time.monotonic()
            try:
                results[part] = _run_part(part, procs, seconds)
            except Exception as exc:  # noqa: BLE001 - one failed part must not lose the others' figures
                traceback.print_exc()
                results["errors"].append(f"{part}: {type(exc).__name__}: {exc}")
            finally:
                procs.stop_all()
            results.setdefault("durations_s", {})[part] = time.monotonic() - t0
    results["total_s"] = time.monotonic() - started
    from . import report

    for alone in ("canvas", "widget", "versus", "timers"):
        if alone in results:
            results[alone]["machine"] = results["machine"]
            (OUT / f"{alone}.json").write_text(json.dumps(results[alone], indent=1, default=str))
    print(report.summary(results))
    path = ROOT / "docs" / "benchmarks.md"
    if wanted == ["widget"]:
        # Like the canvas: its section is replaced, the rest of the page stays.
        if os.environ.get("BENCH_NO_DOC") != "1" and "widget" in results and path.exists():
            path.write_text(report.splice_widget(path.read_text(), results["widget"]))
            say(f"wrote the widget section of {path.relative_to(ROOT)}; figures in {OUT / 'widget.json'}")
        return 0 if "widget" in results else 1
    if wanted == ["canvas"]:
        # The canvas stands on its own: its section is replaced, the server figures and results.json stay.
        if os.environ.get("BENCH_NO_DOC") != "1" and "canvas" in results and path.exists():
            path.write_text(report.splice_canvas(path.read_text(), results["canvas"]))
            say(f"wrote the canvas section of {path.relative_to(ROOT)}; figures in {OUT / 'canvas.json'}")
        return 0 if "canvas" in results else 1
    if wanted == ["timers"]:
        (OUT / "timers.json").write_text(json.dumps(results.get("timers"), indent=1, default=str))
        if os.environ.get("BENCH_NO_DOC") != "1" and "timers" in results and path.exists():
            path.write_text(report.splice_timers(path.read_text(), results["timers"]))
            say(f"wrote the timers section of {path.relative_to(ROOT)}; figures in {OUT / 'timers.json'}")
        return 0 if "timers" in results else 1
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    if wanted == ["versus"]:
        # Ours and n8n alternated stand on their own too: their section is replaced, the rest of the page stays.
        if os.environ.get("BENCH_NO_DOC") != "1" and "versus" in results and path.exists():
            path.write_text(report.splice_versus(path.read_text(), results["versus"]))
            say(f"wrote the versus section of {path.relative_to(ROOT)}; figures in {OUT / 'results.json'}")
        return 0 if "versus" in results else 1
    if os.environ.get("BENCH_NO_DOC") != "1" and wanted == list(PARTS):
        path.write_text(report.render(results))
        say(f"wrote {path.relative_to(ROOT)} and {(OUT / 'results.json').relative_to(ROOT)}")
    else:
        say(f"partial run: docs/benchmarks.md left as it was; figures in {(OUT / 'results.json').relative_to(ROOT)}")
    return 0


def _run_part(part: str, procs: Procs, seconds: int) -> dict[str, Any]:
    if part == "engine":
        import django

        django.setup()
        from . import engine

        return engine.run(reps=int(os.environ.get("BENCH_ENGINE_REPS", "20000")))
    if part in ("postgres", "embedded"):
        from . import chat

        return chat.run(part, procs, seconds=seconds)
    if part == "canvas":
        from . import canvas

        return canvas.run(procs)
    if part == "widget":
        from . import widget

        return widget.run(procs)
    if part == "timers":
        from . import timers

        return timers.run(procs)
    if part == "versus":
        from . import versus

        return versus.run(
            procs,
            seconds,
            float(os.environ.get("BENCH_PEERS_SETUP_TIMEOUT", "300")),
            int(os.environ.get("BENCH_VERSUS_ROUNDS", "2")),
        )
    if part == "peers":
        from . import peers

        return peers.run(seconds, float(os.environ.get("BENCH_PEERS_SETUP_TIMEOUT", "300")))
    raise ValueError(part)


if __name__ == "__main__":
    sys.exit(main())
