"""The chat widget: its size, and how soon it shows on a website, in headless Chromium (Debian's, through Playwright).

The app runs as the embedded default (web process + Celery worker on SQLite and the bundled redis-server); the site
that embeds the widget is a second server on another loopback port (another origin), as a real site would be.

(a) size: the bytes a bubble costs a page, as served: the loader /widget.js and the hashed bundle it loads, each
    fetched with `Accept-Encoding: gzip` (whitenoise serves the .gz copy Vite wrote beside the bundle) and with br.
(b) launcher: a page with the bubble's tag; from the moment the browser started fetching /widget.js (its Resource
    Timing `startTime`) to the first animation frame in which the launcher is visible (the widget shows it once its
    look, fetched from the chat API, is applied).
(c) first message: a page with the inline mode's tag (it starts a conversation at once): from the same start to the
    first frame with the bot's first message drawn; and in the bubble, from the click on the launcher to the first
    message. Each page load is a fresh tab of one browser context: the first run fetches everything (cold), later
    runs find the hashed bundle in the browser's cache (it is immutable) and the loader too (max-age 300 s).
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from .common import Procs, say, summary
from .stack import Stack, free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TARGETS = {"bundle_gz_kb": 30.0, "launcher_ms": 300.0, "first_message_ms": 500.0}
SLUG = "bench-echo"  # bench/setup_db.py publishes it; its first message is "Say something."

# Installed before the page's scripts: note the first frame in which the launcher, then a bot message, is visible.
PROBE = """
(() => {
  try { localStorage.clear(); } catch (e) {}  // every load is a new visitor: no conversation to resume
  const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility === 'visible'; };
  const check = () => {
    const root = document.querySelector('flow-chat')?.shadowRoot;
    if (root && window.__launcherAt === undefined && visible(root.querySelector('.launcher')))
      window.__launcherAt = performance.now();
    if (root && window.__messageAt === undefined && visible(root.querySelector('.msg.bot')))
      window.__messageAt = performance.now();
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

VIEWPORT = {"width": 1280, "height": 800}

SCRIPT_START = """() => {
  const entry = performance.getEntriesByType('resource').find(e => e.name.endsWith('/widget.js'));
  return entry ? entry.startTime : null;
}"""


def _page(app: str, mode: str) -> bytes:
    target = ' data-target="#chat"' if mode == "inline" else ""
    chat = '<div id="chat" style="height: 560px; max-width: 480px"></div>' if mode == "inline" else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">'
        f"</head><body><h1>A shop</h1><p>Products and prices.</p>{chat}"
        f'<script src="{app}/widget.js" data-flow="{SLUG}" data-mode="{mode}"{target} async></script></body></html>'
    ).encode()


class _Site:
    """The embedding website: two pages (bubble, inline) on its own port."""

    def __init__(self, app: str):
        pages = {"/bubble.html": _page(app, "bubble"), "/inline.html": _page(app, "inline")}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _sizes(app: str) -> dict[str, Any]:
    """Bytes on the wire for a bubble: the loader and the bundle, raw, gzip and brotli as the server sends them."""
    out: dict[str, Any] = {}
    loader = requests.get(f"{app}/widget.js", timeout=10)
    loader.raise_for_status()
    bundle_path = loader.text.split('new URL("', 1)[1].split('"', 1)[0]
    out["bundle_path"] = bundle_path
    for name, path in (("loader", "/widget.js"), ("bundle", bundle_path)):
        sizes = {}
        for encoding in ("identity", "gzip", "br"):
            r = requests.get(f"{app}{path}", headers={"Accept-Encoding": encoding}, timeout=10, stream=True)
            r.raise_for_status()
            raw = r.raw.read()  # as sent, not decoded
            sizes[encoding] = {"bytes": len(raw), "content_encoding": r.headers.get("Content-Encoding", "")}
            sizes["cache_control"] = r.headers.get("Cache-Control", "")
        if not sizes["gzip"]["content_encoding"]:
            # Not compressed by the server (the loader is a Django view): its gzip size as a proxy would send it.
            sizes["gzip"]["bytes"] = len(gzip.compress(requests.get(f"{app}{path}", timeout=10).content, 9))
            sizes["gzip"]["content_encoding"] = "(gzip computed)"
        out[name] = sizes
    out["total_gz_bytes"] = out["loader"]["gzip"]["bytes"] + out["bundle"]["gzip"]["bytes"]
    out["total_br_bytes"] = out["loader"]["br"]["bytes"] + out["bundle"]["br"]["bytes"]
    return out


def _open(context, url: str, probe: str):
    page = context.new_page()
    page.add_init_script(PROBE)
    page.goto(url)
    page.wait_for_function(f"() => window.{probe} !== undefined")
    return page


def run(procs: Procs, runs: int = 8) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {
        "targets": TARGETS,
        "runs": runs,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    stack = Stack("embedded", procs)
    site: _Site | None = None
    try:
        stack.prepare()
        stack.start()
        result["sizes"] = _sizes(stack.url)
        site = _Site(stack.url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                result["chromium"] = browser.version
                warm = browser.new_context(viewport=VIEWPORT)
                _open(warm, f"{site.url}/bubble.html", "__launcherAt").close()  # fills the warm context's cache
                launcher, inline_first, click_first = [], [], []
                say(f"widget: {runs} page loads each of a bubble and an inline chat on {site.url}")
                for i in range(runs):
                    # The first loads are cold (a context of their own, empty cache); the others share one cache.
                    context = browser.new_context(viewport=VIEWPORT) if i == 0 else warm
                    context.set_default_timeout(30_000)
                    page = _open(context, f"{site.url}/bubble.html", "__launcherAt")
                    launcher.append(page.evaluate("() => window.__launcherAt") - page.evaluate(SCRIPT_START))
                    t0 = page.evaluate("() => performance.now()")
                    page.locator("flow-chat .launcher").click()
                    page.wait_for_function("() => window.__messageAt !== undefined")
                    click_first.append(page.evaluate("() => window.__messageAt") - t0)
                    page.close()
                    if i == 0:
                        context.close()
                        context = browser.new_context(viewport=VIEWPORT)
                        context.set_default_timeout(30_000)
                    page = _open(context, f"{site.url}/inline.html", "__messageAt")
                    inline_first.append(page.evaluate("() => window.__messageAt") - page.evaluate(SCRIPT_START))
                    page.close()
                    if i == 0:
                        context.close()
            finally:
                browser.close()
        result["launcher_first_ms"] = launcher[0]
        result["click_first_first_ms"] = click_first[0]
        result["launcher_ms"] = summary(launcher[1:])
        result["inline_first_first_ms"] = inline_first[0]
        result["inline_first_ms"] = summary(inline_first[1:])
        result["click_first_ms"] = summary(click_first[1:])
        result["each"] = {
            "launcher": [round(x) for x in launcher],
            "inline_first": [round(x) for x in inline_first],
            "click_first": [round(x) for x in click_first],
        }
    finally:
        if site is not None:
            site.stop()
        stack.stop()
    return result
