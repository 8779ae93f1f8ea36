"""Two tabs on one flow never lose an edit silently; each role sees what it may do, and why not the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from flows import actions
from flows.models import Flow
from tests.browser import canvas
from tests.browser.canvas import select
from tests.browser.conftest import Browser, log_in, save_artifact
from tests.factories import EditorFactory, FlowFactory, load_graph

pytestmark = [pytest.mark.e2e]

MESSAGE = "hello"  # the greeting fixture's message step
SERVER_MS = 20_000  # what waits on the server (a save, a refusal, the draft fetched) may take on a loaded machine


def greeting_flow() -> Flow:
    flow = FlowFactory(name="Greeter")
    actions.save_flow(flow, graph=load_graph("greeting"))
    return flow


def message_text(flow: Flow) -> str:
    flow.refresh_from_db()
    return next(n for n in flow.graph["nodes"] if n["id"] == MESSAGE)["data"]["text"]


def stored(flow: Flow, text: str) -> None:
    """Wait until the saved draft has the text (the save indicator may still show the previous save's "Saved")."""
    canvas.wait_for_count(f"drafts saved with {text!r}", lambda: int(message_text(flow) == text), 1, SERVER_MS / 1000)


def open_editor(page: Page, flow: Flow) -> None:
    page.goto(f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)


def set_message(page: Page, text: str) -> None:
    select(page, MESSAGE).get_by_label("Message").fill(text)


def test_two_tabs_on_one_flow_a_stale_save_is_refused_shown_and_settled_by_the_user(browser_page):
    b = browser_page
    flow = greeting_flow()
    log_in(b, "/builder/")
    tab_a = b.page
    tab_b = tab_a.context.new_page()
    b.console.watch(tab_b)
    open_editor(tab_a, flow)
    open_editor(tab_b, flow)

    # Tab A saves first.
    set_message(tab_a, "Hello from tab A")
    stored(flow, "Hello from tab A")
    canvas.saved(tab_a, SERVER_MS)

    # Tab B's save, made from the revision it opened, is refused: it says so and shows which step differs.
    set_message(tab_b, "Hello from tab B")
    expect(tab_b.get_by_test_id("save-state")).to_have_text("Not saved: changed elsewhere", timeout=SERVER_MS)
    conflict = tab_b.get_by_test_id("conflict")
    expect(conflict).to_be_visible(timeout=SERVER_MS)
    expect(tab_b.get_by_role("dialog")).to_contain_text("This flow was changed elsewhere")
    expect(conflict).to_contain_text("Someone saved this flow in another tab or browser")
    expect(conflict.get_by_test_id("conflict-node")).to_have_count(1)
    expect(conflict.get_by_test_id("conflict-node")).to_contain_text(f"{MESSAGE}: settings differ")
    assert message_text(flow) == "Hello from tab A"  # nothing was overwritten
    save_artifact(tab_b, "conflict-dialog.png")

    # B reloads the saved draft: A's text is on B's canvas, and B's next edit saves.
    conflict.get_by_role("button", name="Reload the saved draft").click()
    expect(conflict).to_be_hidden()
    canvas.saved(tab_b, SERVER_MS)
    expect(select(tab_b, MESSAGE).get_by_label("Message")).to_have_value("Hello from tab A")
    set_message(tab_b, "Hello from tab B, after reloading")
    stored(flow, "Hello from tab B, after reloading")
    canvas.saved(tab_b, SERVER_MS)

    # Now A is behind: its edit is refused in turn, and A overwrites deliberately.
    set_message(tab_a, "Hello from tab A, on purpose")
    conflict_a = tab_a.get_by_test_id("conflict")
    expect(conflict_a).to_be_visible(timeout=SERVER_MS)
    assert message_text(flow) == "Hello from tab B, after reloading"
    conflict_a.get_by_role("button", name="Overwrite it with mine").click()
    stored(flow, "Hello from tab A, on purpose")
    canvas.saved(tab_a, SERVER_MS)
    revision = Flow.objects.get(pk=flow.pk).revision

    # And B, behind again, learns of it when it next saves; nothing is lost in either direction.
    set_message(tab_b, "Third word from B")
    expect(tab_b.get_by_test_id("conflict")).to_be_visible(timeout=SERVER_MS)
    assert Flow.objects.get(pk=flow.pk).revision == revision
    assert message_text(flow) == "Hello from tab A, on purpose"

    # The browser logs each refused save (409) as a failed request: expected here, and nothing else may be.
    b.console.errors[:] = [e for e in b.console.errors if "409 (Conflict)" not in e]


def log_in_as(b: Browser, role: str, next_path: str) -> None:
    user = EditorFactory(role=role)
    log_in(Browser(b.page, b.url, user.username, b.console), next_path)


def test_a_viewer_sees_the_flow_but_every_change_is_disabled_and_says_which_role_it_needs(browser_page):
    b = browser_page
    page = b.page
    flow = greeting_flow()
    actions.publish(flow, None, note="First")
    log_in_as(b, "Viewer", f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)

    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_disabled()
    expect(page.locator(".role-gate", has=publish)).to_have_attribute("title", "Publishing needs the Publisher role")
    preview = page.get_by_role("button", name="Preview")
    expect(preview).to_be_disabled()
    expect(page.locator(".role-gate", has=preview)).to_have_attribute("title", "Previewing needs the Editor role")
    expect(page.get_by_test_id("save-state")).to_have_text("Read only")
    expect(page.get_by_test_id("read-only-note")).to_contain_text("Changing the draft needs the Editor role")
    save_artifact(page, "viewer-editor.png")

    # The settings show, but cannot be changed; the draft stays as it was.
    panel = select(page, MESSAGE)
    expect(panel.get_by_label("Message")).to_be_disabled()
    expect(panel.get_by_role("button", name="Delete step")).to_have_count(0)
    revision = Flow.objects.get(pk=flow.pk).revision
    page.keyboard.press("Escape")
    canvas.node(page, MESSAGE).click()
    page.keyboard.press("Delete")
    expect(page.locator(canvas.NODES)).to_have_count(len(load_graph("greeting")["nodes"]))

    # Versions: the note shows, and Restore is disabled with the role it needs.
    page.get_by_role("button", name="Versions").click()
    expect(page.get_by_test_id("version-note")).to_have_text("First")
    restore = page.get_by_role("button", name="Restore version 1")
    expect(restore).to_be_disabled()
    expect(page.locator(".role-gate", has=restore)).to_have_attribute("title", "Restoring needs the Publisher role")
    assert Flow.objects.get(pk=flow.pk).revision == revision

    # The list: no New flow, no rename, duplicate or delete; the role is named next to the user.
    page.goto("/builder/")
    expect(page.get_by_test_id("user-roles")).to_contain_text("Viewer")
    expect(page.get_by_role("button", name="New flow")).to_be_disabled()
    row = page.get_by_test_id("flow-row")
    expect(row).to_have_count(1)
    for name in ("Rename", "Duplicate", "Delete"):
        expect(row.get_by_role("button", name=name)).to_have_count(0)
    expect(row.get_by_role("button", name="Export")).to_be_visible()


def test_an_editor_edits_and_previews_but_may_not_publish(browser_page):
    b = browser_page
    page = b.page
    flow = greeting_flow()
    log_in_as(b, "Editor", f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)
    expect(page.get_by_role("button", name="Preview")).to_be_enabled()
    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_disabled()
    expect(page.locator(".role-gate", has=publish)).to_have_attribute("title", "Publishing needs the Publisher role")
    set_message(page, "Edited by an editor")
    stored(flow, "Edited by an editor")
    canvas.saved(page, SERVER_MS)
    assert not flow.versions.exists()


def test_publish_asks_first_and_a_refused_publish_keeps_the_note(browser_page):
    b = browser_page
    page = b.page
    flow = FlowFactory(name="Empty")
    log_in(b, f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)

    page.get_by_role("button", name="Publish").click()
    confirm = page.get_by_role("dialog")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert not flow.versions.exists()  # cancelled: nothing published

    page.get_by_role("button", name="Publish").click()
    confirm.get_by_label("What changed?").fill("Launch")
    confirm.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Not published: fix 1 problem first", timeout=SERVER_MS)
    expect(confirm).to_be_hidden()  # the refusal is not hidden behind the dialog
    assert not flow.versions.exists()
    page.get_by_role("button", name="Publish").click()
    expect(confirm.get_by_label("What changed?")).to_have_value("Launch")
    b.console.errors[:] = [e for e in b.console.errors if "400 (Bad Request)" not in e]


def test_the_login_page_says_when_the_password_is_wrong_and_then_lets_a_non_staff_user_in(browser_page):
    b = browser_page
    page = b.page
    user = EditorFactory(role="Viewer")  # not staff: admin's login would refuse this user
    page.goto("/builder/")
    expect(page).to_have_url(f"{b.url}/login/?next=/builder/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(user.username)
    save_artifact(page, "login-error.png")
    page.get_by_label("Password").fill("pw-for-tests-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{b.url}/builder/", timeout=SERVER_MS)
    expect(page.get_by_test_id("user-roles")).to_contain_text("Viewer")
