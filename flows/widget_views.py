"""The chat widget's public pages: `/widget.js` (a small loader with a stable address) and `/c/SLUG/` (hosted chat)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from . import widget
from .api.widget import published_flow

MANIFEST = Path(settings.BASE_DIR) / "static" / "widget" / ".vite" / "manifest.json"
ENTRY = "widget/main.ts"
LOADER_MAX_AGE_S = 300  # how long a page may keep the loader: a new widget release reaches sites within minutes

# Runs once per <script> tag. It remembers its own tag (the widget reads data-flow, data-mode... from it), queues
# FlowChat calls made before the widget has loaded, and adds the widget's hashed bundle once per page. A classic
# script (not a module), so a page on another origin needs no CORS to run it.
LOADER = """(function(w,d){var s=d.currentScript,q=w.__flowchat||(w.__flowchat={s:[],c:[]});if(s)q.s.push(s);\
if(q.boot){q.boot();return}if(!w.FlowChat){var n="open close toggle send setVariables restart on off".split(" "),\
mk=function(f){var a={};n.forEach(function(m){a[m]=function(){q.c.push([f,m,[].slice.call(arguments)]);return a}});\
return a},api=mk(null);api.get=mk;w.FlowChat=api}if(!q.l){q.l=1;var b=d.createElement("script");\
b.src=new URL(%(bundle)s,s?s.src:location.href).href;b.async=true;(d.head||d.documentElement).appendChild(b)}}\
)(window,document);
"""


@lru_cache(maxsize=4)
def _bundle(mtime_ns: int) -> str:
    manifest = json.loads(MANIFEST.read_text())
    base = "/" + settings.STATIC_URL.strip("/") + "/widget/"
    return base + manifest[ENTRY]["file"]


def bundle_url() -> str | None:
    """The widget bundle's hashed address, or None when it is not built."""
    try:
        return _bundle(MANIFEST.stat().st_mtime_ns)
    except (OSError, KeyError, ValueError):
        return None


def loader(request: HttpRequest) -> HttpResponse:
    """`/widget.js`: short-lived itself, it loads the long-lived hashed bundle."""
    url = bundle_url()
    if url is None:
        body = 'console.error("The chat widget is not built: run `make frontend` on the server.");\n'
        return HttpResponse(body, content_type="text/javascript; charset=utf-8", status=503)
    response = HttpResponse(LOADER % {"bundle": json.dumps(url)}, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={LOADER_MAX_AGE_S}"
    response["Access-Control-Allow-Origin"] = "*"  # public code; lets a page load it with crossorigin too
    return response


@xframe_options_exempt  # a site may show its bot's page in a frame of its own
def hosted(request: HttpRequest, slug: str) -> HttpResponse:
    """`/c/SLUG/`: the widget alone on a page of its own, for a link in an email or a QR code."""
    flow = published_flow(slug)
    if flow is None:
        return render(request, "widget/unavailable.html", {"slug": slug}, status=404)
    look = widget.appearance(flow)
    return render(request, "widget/hosted.html", {"flow": flow, "look": look})
