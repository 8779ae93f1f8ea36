"""Browser tests: Python Playwright driving Debian's Chromium (never a downloaded browser) against the app as it
runs in production (uvicorn + a Celery worker + Redis, the `live` fixture), logged in through the product's login page.

Every page collects the browser's console errors and uncaught exceptions; a test with any of them fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.factories import EditorFactory
from tests.support.processes import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "var" / "artifacts"
PASSWORD = "pw-for-tests-123"  # EditorFactory's
# BROWSER_VIEWPORT=1280x720 runs the browser tests in a smaller window: they must pass at any usual size.
_width, _height = os.environ.get("BROWSER_VIEWPORT", "1920x1080").lower().split("x")
VIEWPORT: ViewportSize = {"width": int(_width), "height": int(_height)}
# Playwright's auto-waiting (actions and expect) waits for a state; these are only how long before it calls it a
# failure, generous so that a loaded machine is slow, not red.
ACTION_TIMEOUT_MS = 30_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)
_saved: list[Path] = []
_build_errors: list[str] = []


def save_artifact(page, name: str) -> Path:
    """A screenshot kept after the run (var/artifacts/), listed at the end of the session."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    _saved.append(path)
    print(f"screenshot: {path}")
    return path


def pytest_collection_finish(session):
    """The editor is the built bundle: build it now if it is missing or older than its sources (`make frontend`, a
    no-op when it is fresh), before any test starts the server, which lists the static files it serves once."""
    if not any(BROWSER_DIR in Path(str(item.path)).parents for item in session.items):
        return
    out = subprocess.run(["make", "-s", "frontend"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        _build_errors.append(f"`make frontend` failed; the browser tests need the bundle:\n{out.stdout}{out.stderr}")


def pytest_terminal_summary(terminalreporter):
    if _saved:
        terminalreporter.write_sep("-", "browser screenshots")
        for path in _saved:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="module")
def chromium(server, worker):
    """One headless Chromium per module, started after the server and worker (their environment is fixed by then)."""
    if _build_errors:
        pytest.fail(_build_errors[0], pytrace=False)
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running on this thread, which Django then takes for an async
    # context; the test's own ORM calls are plain synchronous code, so Django's guard is lifted here, only in this
    # process (the server and worker started with their environment before this line) and only meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Console:
    """What the page said on its console: errors fail the test at teardown."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location or {}
            self.errors.append(f"console.error: {message.text} ({where.get('url', '')}:{where.get('lineNumber', '')})")


@dataclass
class Browser:
    """A logged-in editor's browser tab on the live server."""

    page: Page
    url: str
    username: str
    console: Console


@pytest.fixture
def editor_user(live):
    return EditorFactory(username="shopowner")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the call's report on the test, so a fixture can tell at teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.call_failed = report.failed


@pytest.fixture
def browser_page(request, live, chromium, editor_user) -> Iterator[Browser]:
    context = chromium.new_context(base_url=live.url, viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    console = Console()
    console.watch(page)
    try:
        yield Browser(page, live.url, editor_user.username, console)
        if getattr(request.node, "call_failed", False):
            save_artifact(page, f"failed-{request.node.name}.png")
    finally:
        context.close()
    assert console.errors == [], "the browser logged errors:\n" + "\n".join(console.errors)


def log_in(b: Browser, next_path: str = "/builder/") -> None:
    """Through the product's login page, as a person would: the builder sends an anonymous visitor there."""
    page = b.page
    page.goto(next_path)
    assert "/login/" in page.url and "/admin/" not in page.url, f"{next_path} should send a visitor to /login/"
    page.fill("#id_username", b.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")
