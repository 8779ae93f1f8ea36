"""The builder's frontend: its own tests (vitest), its types, the API types' drift from the schema, and the pages
Django serves it from."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from flows import builder_views
from tests.factories import EditorFactory, FlowFactory, UserFactory
from tests.support.processes import ROOT

FRONTEND = ROOT / "frontend"
NPM = shutil.which("npm")


def npm(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    if NPM is None:
        pytest.fail("npm is not installed: the frontend needs Node.js 20.19+ with npm")
    if not (FRONTEND / "node_modules" / ".bin").is_dir():
        # a checkout without `make` having run yet: the same install the Makefile does
        install = [NPM, "ci", "--no-audit", "--no-fund"]
        subprocess.run(install, cwd=FRONTEND, check=True, capture_output=True, timeout=600)
    env = {**os.environ, "PYTHON": sys.executable, "CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0"}
    # the schema check starts Django afresh: it must not think it is inside this test session
    env = {k: v for k, v in env.items() if not k.startswith("PYTEST_")}
    return subprocess.run([NPM, *args], cwd=FRONTEND, env=env, capture_output=True, text=True, timeout=timeout)


def test_vitest_suite_passes():
    out = npm("test", "--silent")
    report = out.stdout + out.stderr
    assert out.returncode == 0, f"vitest failed:\n{report[-6000:]}"
    passed = re.search(r"Tests\s+(\d+) passed", report)
    assert passed and int(passed.group(1)) >= 40, f"expected the frontend's logic tests to run:\n{report[-3000:]}"


def test_typescript_compiles_without_errors():
    out = npm("run", "--silent", "typecheck")
    assert out.returncode == 0, f"tsc --noEmit failed:\n{(out.stdout + out.stderr)[-6000:]}"


def test_api_types_match_the_openapi_schema():
    """src/api/schema.d.ts is generated from the schema; an endpoint changed without regenerating it fails here."""
    out = npm("run", "--silent", "check:api")
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]


# The pages


@pytest.fixture
def manifest(tmp_path, monkeypatch):
    """A built bundle's manifest, as Vite writes it (the page must not depend on a build having run)."""
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "src/main.tsx": {
                    "file": "assets/main-abc12345.js",
                    "isEntry": True,
                    "css": ["assets/main-def67890.css"],
                    "imports": ["_vendor-11111111.js"],
                    "dynamicImports": ["src/pages/EditorPage.tsx"],
                },
                "_vendor-11111111.js": {"file": "assets/vendor-11111111.js", "css": ["assets/vendor-22222222.css"]},
                "src/pages/EditorPage.tsx": {
                    "file": "assets/EditorPage-33333333.js",
                    "isDynamicEntry": True,
                    "imports": ["src/main.tsx", "_vendor-11111111.js"],
                },
            }
        )
    )
    monkeypatch.setattr(builder_views, "MANIFEST", path)
    return path


def boot(response) -> dict:
    match = re.search(rb'<script id="builder-boot" type="application/json">(.*?)</script>', response.content, re.S)
    assert match, response.content[:2000]
    return json.loads(match.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/builder/", "/builder/flows/1/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.django_db
def test_the_flow_list_page_loads_the_bundle_with_what_it_needs(client, manifest):
    editor = EditorFactory(first_name="Ada", last_name="Shop")
    client.force_login(editor)
    response = client.get("/builder/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module" src="/static/builder/assets/main-abc12345.js"></script>' in html
    assert 'href="/static/builder/assets/main-def67890.css"' in html
    assert 'href="/static/builder/assets/vendor-22222222.css"' in html
    assert '<link rel="modulepreload" href="/static/builder/assets/vendor-11111111.js">' in html
    assert "EditorPage-33333333.js" not in html  # the list page does not load the editor
    data = boot(response)
    assert data["page"] == "flows" and data["flowId"] is None
    assert data["user"]["username"] == editor.username and data["user"]["name"] == "Ada Shop"
    assert data["user"]["roles"] == ["Publisher"] and "flows.publish_flow" in data["user"]["permissions"]
    assert data["urls"]["logout"] == "/logout/"
    assert data["csrfToken"] and response.cookies["csrftoken"].value
    assert data["urls"]["credentialAdd"].startswith("/admin/")


@pytest.mark.django_db
def test_the_one_bundled_style_sheet_is_linked_on_every_page(client, manifest):
    """The components' style sheets are bundled into one (cssCodeSplit off), listed under its own manifest key."""
    data = json.loads(manifest.read_text())
    data["style.css"] = {"file": "assets/style-44444444.css", "src": "style.css"}
    manifest.write_text(json.dumps(data))
    flow = FlowFactory()
    client.force_login(EditorFactory())
    for path in ("/builder/", f"/builder/flows/{flow.pk}/"):
        html = client.get(path).content.decode()
        assert '<link rel="stylesheet" href="/static/builder/assets/style-44444444.css">' in html, path


@pytest.mark.django_db
def test_the_editor_page_carries_its_flow_and_the_node_types(client, manifest):
    flow = FlowFactory(graph={"nodes": [{"id": "start_1", "type": "start", "position": {"x": 0, "y": 0}}], "edges": []})
    client.force_login(EditorFactory())
    response = client.get(f"/builder/flows/{flow.pk}/")
    assert b'<link rel="modulepreload" href="/static/builder/assets/EditorPage-33333333.js">' in response.content
    data = boot(response)
    assert (data["page"], data["flowId"]) == ("editor", flow.pk)
    assert data["data"]["flow"]["graph"] == flow.graph and data["data"]["flow"]["name"] == flow.name
    assert {"start", "message", "question", "condition"} <= {t["type"] for t in data["data"]["nodeTypes"]}
    assert client.get(f"/builder/flows/{flow.pk + 1000}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [False, True], ids=["user", "staff"])
def test_someone_without_a_role_is_told_so(client, manifest, staff):
    client.force_login(UserFactory(is_staff=staff))
    for path in ("/builder/", f"/builder/flows/{FlowFactory().pk}/"):
        response = client.get(path)
        assert response.status_code == 403
        assert b"You have no role in the flow builder yet" in response.content
        assert b"Viewer, Editor, Publisher, Admin" in response.content
        assert b"builder-boot" not in response.content


@pytest.mark.django_db
def test_without_a_build_the_page_says_how_to_make_one(client, tmp_path, monkeypatch):
    monkeypatch.setattr(builder_views, "MANIFEST", tmp_path / "missing.json")
    client.force_login(EditorFactory())
    response = client.get("/builder/")
    assert response.status_code == 503
    assert b"make run" in response.content and b"npm run build" in response.content


@pytest.mark.django_db
def test_the_site_root_leads_to_the_builder_and_the_browser_gets_an_icon(client):
    assert client.get("/")["Location"] == "/builder/"
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
