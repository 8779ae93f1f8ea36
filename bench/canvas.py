"""Target 5: the canvas with a 1,000-node, 1,200-edge flow in headless Chromium (Debian's, through Playwright).

(a) open: a fresh tab navigates to /builder/flows/{id}/; a script installed before the page's own runs checks every
    animation frame and notes `performance.now()` (milliseconds since navigation start) at the first frame in which
    all 1,000 `.react-flow__node` elements are in the document and the canvas says `data-ready="true"`, and again one
    frame later (that frame is painted with them). The tab's bundle comes from the browser cache after the first
    open, as for an editor who comes back; the first, cold open is reported on its own.
(b) panning: a requestAnimationFrame counter runs in the page while the mouse drags the pane back and forth for
    ~3 s (one Playwright mouse move every few ms, each a pan step through React Flow's d3-zoom handler); fps is the
    number of frames over the elapsed time between the first and the last one. Headless Chromium here has no GPU:
    it rasterises and composites in software, and its frame clock ticks at 60 Hz, so 60 is the ceiling.
(c) saving: `fetch` PATCH /api/v1/flows/{id}/ with the whole graph, from the page (session cookie, CSRF header),
    timed from the call to the parsed JSON answer (the server validates all 1,000 nodes and stores the draft).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from typing import TYPE_CHECKING, Any

from .common import PYTHON, ROOT, Procs, say, summary

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize
from .stack import Stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODES, EDGES = 1000, 1200
COLUMNS, DX, DY = 40, 260, 180
TARGETS = {"open_ms": 1500.0, "fps": 50.0, "save_ms": 300.0}
VIEWPORT: ViewportSize = {"width": 1600, "height": 1000}

# Installed before any script of the page: note when every node is drawn (see the module docstring, (a)).
DRAWN_PROBE = """
(() => {
  const want = %d;
  const check = () => {
    const ready = document.querySelector('[data-ready="true"]');
    const count = document.querySelectorAll('.react-flow__node').length;
    window.__nodesSeen = count;
    if (ready && count >= want) {
      window.__drawnAt = performance.now();
      requestAnimationFrame(() => { window.__paintedAt = performance.now(); });
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

FRAME_COUNTER = """
() => {
  window.__frames = [];
  window.__counting = true;
  const tick = (t) => { if (!window.__counting) return; window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}
"""

SAVE = """
async ([flowId, runs]) => {
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || '';
  const url = `/api/v1/flows/${flowId}/`;
  const graph = (await (await fetch(url, {credentials: 'same-origin'})).json()).graph;
  const body = JSON.stringify({graph});
  const times = [];
  let problems = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await fetch(url, {method: 'PATCH', credentials: 'same-origin', body,
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(csrf)}});
    const answer = await r.json();
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`PATCH answered ${r.status}: ${JSON.stringify(answer).slice(0, 300)}`);
    problems = answer.problems.filter(p => p.severity === 'error').length;
  }
  return {times, bytes: body.length, problems};
}
"""

GPU_INFO = """
() => {
  const gl = document.createElement('canvas').getContext('webgl');
  const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
  return gl ? (ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : 'no WebGL';
}
"""


def big_graph(nodes: int = NODES, edges: int = EDGES) -> dict[str, Any]:
    """A valid flow laid out in a grid: a chain through every node, conditions whose `false` skips one node, and a
    choice question with two branches, so there are `edges` connections and each output leads to one node."""
    extra = edges - (nodes - 1)
    conditions = [i for i in range(2, nodes - 2) if i % 5 == 2][: extra - 1]
    choice_at = 4
    assert len(conditions) == extra - 1 and choice_at not in conditions, "cannot place the extra edges"
    out_nodes: list[dict[str, Any]] = []
    out_edges: list[dict[str, str]] = []

    def add_edge(source: int, handle: str, target: int) -> None:
        out_edges.append(
            {"id": f"e{len(out_edges) + 1}", "source": f"n{source}", "sourceHandle": handle, "target": f"n{target}"}
        )

    for i in range(nodes):
        position = {"x": (i % COLUMNS) * DX, "y": (i // COLUMNS) * DY}
        data: dict[str, Any]
        if i == 0:
            kind, data, handle = "start", {}, "next"
        elif i == nodes - 1:
            kind, data, handle = "end", {"text": "Bye {{ name }}!"}, ""
        elif i in conditions:
            kind = "condition"
            data = {"match": "all", "rules": [{"variable": "name", "operator": "is_set", "value": ""}]}
            handle = "true"
            add_edge(i, "false", i + 2)
        elif i == choice_at:
            kind, handle = "question", "choice:a"
            data = {
                "text": "Pick one",
                "input_type": "choice",
                "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
                "variable": "pick",
            }
            add_edge(i, "choice:b", i + 2)
        else:
            kind, data, handle = [
                ("message", {"text": f"Step {i}: hello {{{{ name }}}}"}, "next"),
                ("set_variable", {"variable": f"v{i}", "value": "{{ name }}"}, "next"),
                ("question", {"text": f"Question {i}?", "input_type": "text", "variable": "name"}, "next"),
            ][i % 3]
        out_nodes.append({"id": f"n{i}", "type": kind, "position": position, "data": data})
        if handle:
            add_edge(i, handle, i + 1)
    assert (len(out_nodes), len(out_edges)) == (nodes, edges)
    return {"settings": {"fallback_text": "Sorry, something went wrong."}, "nodes": out_nodes, "edges": out_edges}


def run(procs: Procs, open_runs: int = 7, save_runs: int = 15, pan_seconds: float = 3.0) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {
        "nodes": NODES,
        "edges": EDGES,
        "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}",
        "targets": TARGETS,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    stack = Stack("postgres", procs)
    try:
        stack.prepare()
        out = subprocess.run(
            [PYTHON, "-m", "bench.canvas_setup"], cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120
        )
        if out.returncode != 0:
            raise RuntimeError(f"bench.canvas_setup failed: {out.stderr[-2000:]}")
        info = json.loads(out.stdout.strip().splitlines()[-1])
        result["graph_errors"] = info["errors"]
        stack.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                result["chromium"] = browser.version
                context = browser.new_context(base_url=stack.url, viewport=VIEWPORT)
                context.set_default_timeout(60_000)
                _log_in(context, info)
                editor = f"/builder/flows/{info['flow_id']}/"
                say(f"canvas: opening the editor with {NODES} nodes, {open_runs} times")
                opens: list[list[float]] = []
                page: Page | None = None
                metrics = []
                for _ in range(open_runs):
                    if page is not None:
                        page.close()
                        time.sleep(1.0)  # the closed tab's teardown (1,000 nodes) must not run into the next open
                    page = context.new_page()
                    page.add_init_script(DRAWN_PROBE % NODES)
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    page.goto(editor, wait_until="commit")
                    try:
                        page.wait_for_function("() => window.__paintedAt !== undefined", timeout=60_000)
                    except Exception as exc:
                        seen = page.evaluate("() => window.__nodesSeen")
                        raise RuntimeError(f"the editor did not draw {NODES} nodes in 60 s (saw {seen})") from exc
                    opens.append(page.evaluate("() => [window.__drawnAt, window.__paintedAt]"))
                    metrics.append(_main_thread(cdp))
                assert page is not None
                result["open_each_ms"] = [round(painted) for _, painted in opens]
                result["open_first_ms"] = opens[0][1]
                result["open_main_thread_ms"] = {
                    key: statistics.median(m[key] for m in metrics[1:]) for key in metrics[0]
                }
                result["open_ms"] = summary([painted for _, painted in opens[1:]])
                result["open_dom_ms"] = summary([drawn for drawn, _ in opens[1:]])
                result["gpu"] = page.evaluate(GPU_INFO)
                say("canvas: panning")
                before = _main_thread(cdp)
                result["pan"] = _pan(page, pan_seconds)
                after = _main_thread(cdp)
                result["pan"]["main_thread_ms"] = {key: after[key] - before[key] for key in after}
                say(f"canvas: saving the graph {save_runs} times")
                saved = page.evaluate(SAVE, [info["flow_id"], save_runs + 2])
                result["save_ms"] = summary(saved["times"][2:])
                result["save_bytes"] = saved["bytes"]
                result["save_errors_in_graph"] = saved["problems"]
            finally:
                browser.close()
    finally:
        stack.stop()
    result["platform"] = platform.platform()
    return result


MAIN_THREAD = {
    "script": "ScriptDuration",
    "style": "RecalcStyleDuration",
    "layout": "LayoutDuration",
    "all tasks": "TaskDuration",
}


def _main_thread(cdp) -> dict[str, float]:
    """The renderer's main-thread time so far (Chrome's Performance domain), in ms: where a slow open goes."""
    found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {label: found.get(name, 0.0) * 1000 for label, name in MAIN_THREAD.items()}


def _log_in(context, info: dict[str, Any]) -> None:
    page = context.new_page()
    page.goto("/login/?next=/builder/")
    page.fill("#id_username", info["username"])
    page.fill("#id_password", info["password"])
    page.click("button[type=submit]")
    page.wait_for_url("**/builder/")
    page.close()


def _pan(page, seconds: float) -> dict[str, Any]:
    """Drag the pane back and forth for `seconds` while counting animation frames (module docstring, (b))."""
    box = page.locator(".react-flow__pane").bounding_box()
    assert box, "no .react-flow__pane"
    viewport = page.locator(".react-flow__viewport")
    before = viewport.evaluate("el => el.style.transform")
    # Start on empty canvas: the pan starts on the pane, not on a node (a node would be dragged instead).
    x0, y0 = box["x"] + 8, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.evaluate(FRAME_COUNTER)
    page.mouse.down()
    moves, t0, x, direction = 0, time.monotonic(), x0, 1
    while time.monotonic() - t0 < seconds:
        x += 6 * direction
        if not box["x"] + 8 <= x <= box["x"] + box["width"] - 8:
            direction = -direction
        page.mouse.move(x, y0 + 40 * direction)
        moves += 1
    page.mouse.up()
    elapsed_s = time.monotonic() - t0
    frames = page.evaluate("() => { window.__counting = false; return window.__frames; }")
    after = viewport.evaluate("el => el.style.transform")
    if before == after:
        raise RuntimeError("the pan did not move the viewport")
    gaps = [b - a for a, b in zip(frames, frames[1:], strict=False)]
    span_s = (frames[-1] - frames[0]) / 1000 if len(frames) > 1 else float("nan")
    return {
        "seconds": elapsed_s,
        "moves": moves,
        "moves_per_s": moves / elapsed_s,
        "frames": len(frames),
        "fps": (len(frames) - 1) / span_s if len(frames) > 1 else 0.0,
        "frame_ms": summary(gaps),
        "frame_ms_max": max(gaps) if gaps else float("nan"),
        "long_frames": sum(1 for g in gaps if g > 50),
        "median_fps": 1000 / statistics.median(gaps) if gaps else 0.0,
    }
