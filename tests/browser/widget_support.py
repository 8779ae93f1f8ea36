"""For the widget's browser tests: a second website on another loopback port that embeds the widget, and flows."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.graphs import edge, node
from tests.support.processes import free_port

# What a careless or hostile site's stylesheet may do; none of it may reach into the widget.
HOSTILE_CSS = """
* { all: unset !important; }
div:not(#chat):not(.keep) { display: none !important; }
button, input, section, header { background: #f0f !important; color: #ff0 !important; width: 3px !important;
  height: 3px !important; font-size: 2px !important; }
flow-chat { display: none !important; opacity: 0 !important; transform: scale(0) !important; }
body { font-family: "Comic Sans MS" !important; line-height: 0.2 !important; }
"""


@dataclass
class Site:
    """A website of its own (127.0.0.1, another port: another origin) serving the pages a test gives it."""

    port: int
    pages: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str, body: str) -> str:
        self.pages[path] = body
        return self.origin + path


def serve_site() -> Iterator[Site]:
    site = Site(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            body = site.pages.get(path)
            if body is None:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", site.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def host_page(app_url: str, tags: list[str], *, css: str = "", head: str = "", body: str = "") -> str:
    """An HTML page on the other website with the given widget tags (and its own scripts, styles, content)."""
    scripts = "\n".join(tags)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<link rel="icon" href="data:,"><style>{css}</style>{head}</head>
<body><h1>Our shop</h1><p>Welcome to the shop.</p>{body}
{scripts}</body></html>"""


def tag(app_url: str, flow: str, mode: str = "bubble", **data: str) -> str:
    attrs = "".join(f' data-{k.replace("_", "-")}="{html.escape(v)}"' for k, v in data.items())
    return f'<script src="{app_url}/widget.js" data-flow="{flow}" data-mode="{mode}"{attrs} async></script>'


def shop_graph(credential_id: int) -> dict:
    """A greeting, a choice, an email with its retry text, an AI answer (streamed), an end."""
    return {
        "nodes": [
            node("start", "start"),
            node("hello", "message", text="Hi {{ name }}! I'm the shop assistant."),
            node(
                "topic",
                "question",
                text="What brings you here?",
                input_type="choice",
                choices=[{"id": "order", "label": "Order status"}, {"id": "sales", "label": "Talk to sales"}],
                variable="topic",
            ),
            node(
                "email",
                "question",
                text="What is your email?",
                input_type="email",
                variable="email",
                retry_text="That does not look like an email address.",
            ),
            node("thanks", "message", text="Thanks, {{ email }}."),
            node("ask", "question", text="Ask me anything.", input_type="text", variable="q"),
            node("ai", "openai", credential=credential_id, model="gpt-4o-mini", system_prompt="Be brief."),
            node("bye", "end", text="Bye for now!"),
            node("sales", "end", text="Sales will call you."),
            node("oops", "end", text="Sorry, I cannot answer now."),
        ],
        "edges": [
            edge("start", "next", "hello"),
            edge("hello", "next", "topic"),
            edge("topic", "choice:order", "email"),
            edge("topic", "choice:sales", "sales"),
            edge("email", "next", "thanks"),
            edge("thanks", "next", "ask"),
            edge("ask", "next", "ai"),
            edge("ai", "success", "bye"),
            edge("ai", "error", "oops"),
        ],
    }


def simple_graph(greeting: str, question: str = "Your name?") -> dict:
    """A greeting and a text question whose answer ends the conversation."""
    return {
        "nodes": [
            node("start", "start"),
            node("hello", "message", text=greeting),
            node("ask", "question", text=question, input_type="text", variable="answer"),
            node("end", "end", text="Thanks {{ answer }}, goodbye."),
        ],
        "edges": [edge("start", "next", "hello"), edge("hello", "next", "ask"), edge("ask", "next", "end")],
    }
