"""The builder's pages: the flow list and the editor, each the Vite bundle with what it needs to start."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from . import roles
from .api.permissions import can_use_builder
from .models import Flow

MANIFEST = Path(settings.BASE_DIR) / "static" / "builder" / ".vite" / "manifest.json"
ENTRY = "src/main.tsx"


EDITOR = "src/pages/EditorPage.tsx"


@lru_cache(maxsize=4)
def _assets(mtime_ns: int) -> dict[str, Any]:
    """The entry's script, styles and preloads from Vite's manifest (cached per manifest version)."""
    manifest = json.loads(MANIFEST.read_text())
    base = f"{settings.STATIC_URL.rstrip('/')}/builder/"
    if not base.startswith("/"):
        base = "/" + base

    def chunks(*roots: str) -> list[str]:
        """The chunks these import statically (themselves included), each once."""
        found: list[str] = []
        stack = list(roots)
        while stack:
            key = stack.pop()
            if key in found or key not in manifest:
                continue
            found.append(key)
            stack.extend(manifest[key].get("imports", []))
        return found

    entry = manifest[ENTRY]
    css = [c for key in chunks(ENTRY) for c in manifest[key].get("css", [])]
    # The components' style sheets are bundled into one (vite.config.ts, cssCodeSplit: false), which the manifest
    # lists under its own key rather than on the entry: every page gets it up front, as one file.
    if "style.css" in manifest:
        css.append(manifest["style.css"]["file"])
    # The editor page also preloads the editor's chunk (the entry imports it dynamically), so it loads alongside.
    editor = [base + manifest[key]["file"] for key in chunks(EDITOR) if key != ENTRY]
    return {
        "script": base + entry["file"],
        "css": [base + c for c in dict.fromkeys(css)],
        "preloads": [base + manifest[key]["file"] for key in chunks(ENTRY) if key != ENTRY],
        "editor_preloads": editor,
    }


def bundle() -> dict[str, Any] | None:
    """The built bundle's URLs, or None when `npm run build` has not run (the page then says how to build it)."""
    try:
        return _assets(MANIFEST.stat().st_mtime_ns)
    except (OSError, KeyError, ValueError):
        return None


def _editor_data(flow: Flow) -> dict[str, Any]:
    """What the editor would fetch first (the flow, the node types), in the page itself: one round trip less."""
    from nodes.registry import registry

    from .api.builder import FlowViewSet
    from .api.serializers import FlowSerializer

    annotated = FlowViewSet.queryset.get(pk=flow.pk)  # with its latest published version, as the API gives it
    return {"flow": FlowSerializer(annotated).data, "nodeTypes": [node_type.describe() for node_type in registry()]}


def _page(request: HttpRequest, page: str, flow: Flow | None = None) -> HttpResponse:
    if not can_use_builder(request.user):
        return render(request, "builder/forbidden.html", {"roles": list(roles.ROLES)}, status=403)
    user = request.user
    assets = bundle()
    boot = {
        "page": page,
        "flowId": flow.pk if flow else None,
        "csrfToken": get_token(request),
        "user": roles.summary(user),  # what the builder shows, hides or disables for this user's roles
        "urls": {
            "builder": reverse("builder"),
            "inbox": reverse("builder-inbox"),
            "admin": reverse("admin:index"),
            "logout": reverse("logout"),
            "credentialAdd": _credential_add_url(),
        },
    }
    if flow is not None and assets:
        boot["data"] = _editor_data(flow)
    status = 200 if assets else 503
    preloads = (assets["preloads"] + (assets["editor_preloads"] if page == "editor" else [])) if assets else []
    context = {"boot": boot, "assets": assets, "preloads": preloads}
    return render(request, "builder/index.html", context, status=status)


def _credential_add_url() -> str:
    try:
        return reverse("admin:integrations_credential_add")
    except Exception:  # noqa: BLE001 - the credentials admin may not be installed; the link then goes to admin
        return reverse("admin:index")


@login_required  # anonymous: to settings.LOGIN_URL (/login/) with ?next=
def flow_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "flows")


@login_required
def flow_editor(request: HttpRequest, flow_id: int) -> HttpResponse:
    flow = get_object_or_404(Flow, pk=flow_id) if can_use_builder(request.user) else None
    return _page(request, "editor", flow)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The agents' inbox: for users who may answer handed-off conversations (the Agent role, or Admin)."""
    if not request.user.has_perm("flows.answer_conversation"):
        return render(request, "builder/forbidden.html", {"roles": list(roles.ROLES)}, status=403)
    return _page(request, "inbox")


class BuilderLoginView(LoginView):
    """The product's own login (admin's refuses non-staff users): any active user; the roles decide the rest."""

    template_name = "builder/login.html"  # then to ?next= (same site only) or settings.LOGIN_REDIRECT_URL


@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST logs out (a link or an image on another site cannot); GET asks first."""
    if request.method == "POST":
        auth_logout(request)
        return HttpResponseRedirect(reverse("login") + "?logged_out=1")
    return render(request, "builder/logout.html")


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#4f46e5"/>'
    '<path d="M6 8h5v3H6zM13 13h5v3h-5zM11 9.5h2.5v5" stroke="#fff" stroke-width="1.6" fill="none"/></svg>'
)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page (the admin's too): an icon rather than a 404 in the console."""
    response = HttpResponse(FAVICON, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
