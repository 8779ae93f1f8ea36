"""The chat widget in Chromium, embedded by a website on another origin (a second loopback port), against uvicorn and a
real Celery worker: bubble, popup and inline modes, a whole conversation, streaming, resuming, restarting, a flaky
network, a hostile stylesheet, a refused website, the JavaScript API and its events, several widgets on one page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from flows import live as live_events
from flows.models import Conversation, FlowWidget, Message
from tests.browser.conftest import VIEWPORT, Console, save_artifact
from tests.factories import published_flow
from tests.integrations.nodes.support import credential
from tests.integrations.openai.peer import ChatPeer
from tests.support.processes import ROOT

from .widget_support import HOSTILE_CSS, Site, host_page, serve_site, shop_graph, simple_graph, tag

pytestmark = [pytest.mark.e2e]

KEY = "sk-test-a1b2c3d4e5f6"
PIECES = ["Paris ", "is the ", "capital ", "of France, ", "on the ", "Seine."]
ANSWER = "".join(PIECES)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    yield from serve_site()


@pytest.fixture
def visitor(request, live, chromium) -> Iterator[tuple[Page, Console]]:
    """A visitor's tab (no login): console errors fail the test unless the test expects them."""
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()
    console = Console()
    console.watch(page)
    try:
        yield page, console
        if getattr(request.node, "call_failed", False):
            save_artifact(page, f"failed-{request.node.name}.png")
    finally:
        context.close()
    assert console.errors == [], "the browser logged errors:\n" + "\n".join(console.errors)


@pytest.fixture
def peer(httpserver_ipv4):
    chat_peer = ChatPeer(httpserver_ipv4)
    yield chat_peer
    httpserver_ipv4.clear()


def widget(page: Page, flow: str):
    return page.locator(f'flow-chat[data-flow="{flow}"]')


def bot_texts(w) -> list[str]:
    return w.locator(".msg.bot").all_inner_texts()


def test_a_whole_conversation_in_the_bubble_on_a_hostile_page(visitor, live, site, peer):
    page, _ = visitor
    peer.gap_s = 0.3  # the pieces arrive one by one, so the live text shows before the stored message
    peer.reply(*PIECES)
    cred = credential("OpenAI", "openai", {"base_url": peer.base_url}, {"api_key": KEY})
    flow = published_flow(shop_graph(cred.pk), slug="shop", name="Shop assistant")
    FlowWidget.objects.create(
        flow=flow,
        appearance={"greeting": "Need help with an order?", "subtitle": "Replies in seconds"},
    )
    url = site.page("/shop.html", host_page(live.url, [tag(live.url, "shop")], css=HOSTILE_CSS))
    page.goto(url)
    w = widget(page, "shop")
    launcher = w.locator(".launcher")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_accessible_name("Open chat: Shop assistant")
    box = launcher.bounding_box()
    assert box and box["width"] == 60 and box["height"] == 60  # the page's button rules did not reach it
    assert box["x"] > VIEWPORT["width"] / 2  # bottom right
    expect(w.locator(".teaser")).to_contain_text("Need help with an order?")
    assert Conversation.objects.count() == 0  # nothing starts until the visitor opens the chat

    launcher.click()
    window = w.locator(".win")
    expect(window).to_be_visible()
    expect(window).to_have_attribute("role", "dialog")
    expect(w.locator(".title")).to_have_text("Shop assistant")
    expect(w.locator(".subtitle")).to_have_text("Replies in seconds")
    field = w.locator("input[name=message]")
    expect(field).to_be_focused()
    expect(w.locator(".msg.bot").first).to_have_text("Hi ! I'm the shop assistant.")
    expect(w.locator(".msg.bot").nth(1)).to_have_text("What brings you here?")
    choices = w.locator(".choice")
    expect(choices).to_have_text(["Order status", "Talk to sales"])
    save_artifact(page, "widget-bubble-hostile-page.png")
    font = w.locator(".msg.bot").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Comic" not in font

    choices.first.click()
    expect(w.locator(".msg.user")).to_have_text(["Order status"])
    expect(choices).to_have_count(0)
    expect(w.locator(".msg.bot").last).to_have_text("What is your email?")
    expect(field).to_have_attribute("type", "email")

    field.fill("not an email")
    field.press("Enter")
    retry = w.locator(".msg.bot.retry")
    expect(retry).to_have_text("That does not look like an email address.")
    field.fill("ada@example.com")
    w.locator("button.send").click()
    expect(w.locator(".msg.bot").last).to_have_text("Ask me anything.")
    assert bot_texts(w)[-2] == "Thanks, ada@example.com."
    expect(field).to_have_attribute("type", "text")

    # The model's reply streams in, then the stored message takes its place (shown once).
    page.evaluate(
        """w => { window.__seen = []; const log = w.shadowRoot.querySelector('.log');
        new MutationObserver(() => { const last = [...log.querySelectorAll('.msg.bot')].pop();
          if (last) window.__seen.push(last.textContent); }).observe(log, {subtree: true, childList: true,
          characterData: true}); }""",
        w.element_handle(),
    )
    field.fill("Capital of France?")
    field.press("Enter")
    expect(w.locator(".msg.bot").last).to_have_text("Bye for now!")
    seen = page.evaluate("window.__seen")
    partial = [t for t in seen if t and ANSWER.startswith(t) and t != ANSWER]
    assert len(set(partial)) >= 2, seen  # the text grew piece by piece
    assert bot_texts(w).count(ANSWER) == 1
    expect(w.locator(".notice")).to_contain_text("This conversation has ended.")
    expect(w.locator(".notice button")).to_have_text("Start again")
    expect(field).to_be_hidden()

    conversation = Conversation.objects.get()
    assert conversation.channel == "widget"
    inbound = list(conversation.messages.filter(direction="in").order_by("id"))
    assert [m.text for m in inbound] == ["Order status", "not an email", "ada@example.com", "Capital of France?"]
    assert len({m.client_message_id for m in inbound}) == 4 and all(m.client_message_id for m in inbound)

    # Escape closes, and focus returns to the launcher.
    field.focus()
    page.keyboard.press("Escape")
    expect(window).to_be_hidden()
    expect(launcher).to_be_focused()

    # A reload resumes the same conversation (nothing new is started).
    page.reload()
    w = widget(page, "shop")
    w.locator(".launcher").click()
    expect(w.locator(".msg.user")).to_have_text(
        ["Order status", "not an email", "ada@example.com", "Capital of France?"]
    )
    expect(w.locator(".msg.bot").last).to_have_text("Bye for now!")
    assert Conversation.objects.count() == 1

    # "Start again" starts a new conversation.
    w.locator(".notice button").click()
    expect(w.locator(".msg.bot")).to_have_text(["Hi ! I'm the shop assistant.", "What brings you here?"])
    expect(w.locator(".msg.user")).to_have_count(0)
    assert Conversation.objects.count() == 2


def test_a_message_lost_on_the_network_is_sent_again_once_and_proactive_messages_badge_the_launcher(
    visitor, live, site
):
    page, console = visitor
    published_flow(simple_graph("Hello there."), slug="flaky", name="Flaky")
    url = site.page("/flaky.html", host_page(live.url, [tag(live.url, "flaky")]))
    page.goto(url)
    w = widget(page, "flaky")
    w.locator(".launcher").click()
    expect(w.locator(".msg.bot").last).to_have_text("Your name?")

    # The first POST reaches the server, but its answer is lost: the widget sends it again with the same id.
    posts: list[dict] = []

    def lose_first_answer(route, request):
        if request.method != "POST":
            return route.continue_()
        posts.append(json.loads(request.post_data or "{}"))
        response = route.fetch()
        if len(posts) == 1:
            return route.abort("connectionreset")
        return route.fulfill(response=response)

    page.route("**/api/v1/chat/conversations/*/messages/**", lose_first_answer)
    field = w.locator("input[name=message]")
    field.fill("Grace")
    field.press("Enter")
    expect(w.locator(".msg.bot").last).to_have_text("Thanks Grace, goodbye.")
    expect(w.locator(".msg.user")).to_have_class("msg user")  # sent: the second POST was answered
    assert [e for e in console.errors if "ERR_CONNECTION_RESET" not in e] == []
    console.errors.clear()  # the browser reports the lost answer; that was the point
    assert len(posts) == 2 and posts[0]["client_message_id"] == posts[1]["client_message_id"], posts
    conversation = Conversation.objects.get()
    assert list(conversation.messages.filter(direction="in").values_list("text", flat=True)) == ["Grace"]
    assert bot_texts(w).count("Thanks Grace, goodbye.") == 1

    # Closed, the widget still hears the conversation (a timer or an agent writing later): a badge counts it.
    page.keyboard.press("Escape")
    expect(w.locator(".win")).to_be_hidden()
    message = Message.objects.create(conversation=conversation, direction="out", text="Still there?")
    live_events.publish(
        live_events.conversation_group(conversation.pk),
        {"type": "chat.message", "message": {"id": message.pk, "text": message.text, "choices": None}},
    )
    badge = w.locator(".badge")
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    w.locator(".launcher").click()
    expect(badge).to_be_hidden()
    expect(w.locator(".msg.bot").last).to_have_text("Still there?")


def test_the_javascript_api_its_events_and_a_popup(visitor, live, site):
    page, _ = visitor
    published_flow(simple_graph("Hello {{ name }}, welcome back."), slug="popup", name="Popup bot")
    # The page calls FlowChat before the widget has loaded: the loader queues the calls.
    script = """<script>
      window.events = [];
      FlowChat.setVariables({name: "Ada"});
      for (const name of ["ready", "open", "close", "message", "end"])
        FlowChat.on(name, (d) => window.events.push([name, d.flow, d.from || null, d.text || null]));
    </script>"""
    # The calls must come after the loader's tag (it defines the queue), so the page is built in this order.
    page_html = host_page(live.url, [tag(live.url, "popup", "popup").replace(" async", ""), script])
    url = site.page("/popup.html", page_html)
    page.goto(url)
    page.wait_for_function("window.events.some(e => e[0] === 'ready')")
    w = widget(page, "popup")
    expect(w.locator(".launcher")).to_have_count(0)  # a popup has no launcher
    expect(w.locator(".win")).to_be_hidden()

    page.evaluate("FlowChat.open()")
    expect(w.locator(".win")).to_be_visible()
    expect(w.locator(".win")).to_have_attribute("aria-modal", "true")
    expect(w.locator(".backdrop")).to_be_visible()
    expect(w.locator(".msg.bot").first).to_have_text("Hello Ada, welcome back.")
    expect(w.locator(".msg.bot").last).to_have_text("Your name?")
    # A modal: Tab keeps the focus inside it.
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "FLOW-CHAT"
    page.evaluate("FlowChat.send('Ada Lovelace')")
    expect(w.locator(".msg.bot").last).to_have_text("Thanks Ada Lovelace, goodbye.")
    page.wait_for_function("window.events.some(e => e[0] === 'end')")
    page.evaluate("FlowChat.close()")
    expect(w.locator(".win")).to_be_hidden()
    page.wait_for_function("window.events.some(e => e[0] === 'close')")
    events = page.evaluate("window.events")
    names = [e[0] for e in events]
    assert names[0] == "ready" and names.index("open") < names.index("message") < names.index("end")
    said = [(e[2], e[3]) for e in events if e[0] == "message"]
    assert said == [
        ("bot", "Hello Ada, welcome back."),
        ("bot", "Your name?"),
        ("user", "Ada Lovelace"),
        ("bot", "Thanks Ada Lovelace, goodbye."),
    ]
    assert {e[1] for e in events} == {"popup"}
    conversation = Conversation.objects.get()
    assert conversation.variables["name"] == "Ada"

    # FlowChat.restart() begins again; the popup can also open by itself after data-open-after seconds.
    page.evaluate("FlowChat.restart()")
    page.evaluate("FlowChat.open()")
    expect(w.locator(".msg.user")).to_have_count(0)
    expect(w.locator(".msg.bot").last).to_have_text("Your name?")
    assert Conversation.objects.count() == 2
    page.keyboard.press("Escape")
    expect(w.locator(".win")).to_be_hidden()
    page.goto(site.page("/later.html", host_page(live.url, [tag(live.url, "popup", "popup", open_after="1")])))
    expect(widget(page, "popup").locator(".win")).to_be_visible()


def test_several_widgets_on_one_page_inline_and_bubble(visitor, live, site):
    page, _ = visitor
    published_flow(simple_graph("Inline here."), slug="inline-bot", name="Inline bot")
    flow = published_flow(simple_graph("Bubble here.", "Bubble question?"), slug="bubble-bot", name="Bubble bot")
    FlowWidget.objects.create(
        flow=flow,
        appearance={"position": "left", "accent": "#facc15", "theme": "dark"},
    )
    # The page's own box for the chat survives its stylesheet only with !important (that is the page's business).
    size = "display: block !important; width: 600px !important; height: 500px !important"
    body = f'<div id="chat" class="keep" style="{size}"></div>'
    tags = [tag(live.url, "inline-bot", "inline", target="#chat"), tag(live.url, "bubble-bot")]
    page.goto(site.page("/two.html", host_page(live.url, tags, css=HOSTILE_CSS, body=body)))
    inline = widget(page, "inline-bot")
    expect(inline.locator(".msg.bot").last).to_have_text("Your name?")  # inline starts at once
    box = inline.locator(".win").bounding_box()
    assert box and abs(box["width"] - 600) <= 1 and abs(box["height"] - 500) <= 1
    bubble = widget(page, "bubble-bot")
    launcher = bubble.locator(".launcher")
    expect(launcher).to_be_visible()
    lbox = launcher.bounding_box()
    assert lbox and lbox["x"] < VIEWPORT["width"] / 2  # on the left, as set
    # A light accent gets dark text (contrast), the dark theme a dark window.
    assert launcher.evaluate("e => getComputedStyle(e).color") == "rgb(15, 23, 42)"
    page.evaluate("FlowChat.get('bubble-bot').open()")
    expect(bubble.locator(".msg.bot").last).to_have_text("Bubble question?")
    assert bubble.locator(".win").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(15, 23, 42)"
    inline.locator("input[name=message]").fill("Ada")
    inline.locator("input[name=message]").press("Enter")
    bubble.locator("input[name=message]").fill("Bob")
    bubble.locator("input[name=message]").press("Enter")
    expect(inline.locator(".msg.bot").last).to_have_text("Thanks Ada, goodbye.")
    expect(bubble.locator(".msg.bot").last).to_have_text("Thanks Bob, goodbye.")
    assert sorted(Conversation.objects.values_list("flow__slug", flat=True)) == ["bubble-bot", "inline-bot"]


def test_a_website_the_flow_does_not_allow_is_told_so_and_nothing_is_stored(visitor, live, site):
    page, console = visitor
    flow = published_flow(simple_graph("Hello."), slug="private", name="Private")
    FlowWidget.objects.create(flow=flow, allowed_origins=["https://shop.example.com"])
    body = '<div id="chat" class="keep" style="width: 500px; height: 400px"></div>'
    tags = [tag(live.url, "private", "inline", target="#chat")]
    page.goto(site.page("/refused.html", host_page(live.url, tags, body=body)))
    w = widget(page, "private")
    expect(w.locator(".notice")).to_have_text("This chat is not available on this website.")
    expect(w.locator("form")).to_be_hidden()
    assert Conversation.objects.count() == 0
    # The browser reports the refused requests itself (the 403, the refused preflight): the expected outcome here.
    assert all(re.search("403|CORS policy|ERR_FAILED", e) for e in console.errors), console.errors
    console.errors.clear()
    # Allowed, the same page works.
    FlowWidget.objects.filter(flow=flow).update(allowed_origins=["https://shop.example.com", site.origin])
    page.reload()
    expect(widget(page, "private").locator(".msg.bot").last).to_have_text("Your name?")
    assert Conversation.objects.count() == 1


def test_the_hosted_chat_page(visitor, live):
    page, _ = visitor
    published_flow(simple_graph("Welcome to our hosted chat."), slug="hosted", name="Hosted bot")
    page.goto(f"{live.url}/c/hosted/")
    expect(page).to_have_title("Hosted bot")
    w = widget(page, "hosted")
    expect(w.locator(".msg.bot").last).to_have_text("Your name?")
    box = w.locator(".win").bounding_box()
    assert box and box["height"] > 600  # it fills the page
    field = w.locator("input[name=message]")
    field.fill("Lin")
    field.press("Enter")
    expect(w.locator(".msg.bot").last).to_have_text("Thanks Lin, goodbye.")
    expect(w.locator(".notice")).to_contain_text("This conversation has ended.")
    # The header's Restart starts a new conversation, and the field takes the focus again.
    w.get_by_role("button", name="Restart the conversation").click()
    expect(w.locator(".msg.user")).to_have_count(0)
    expect(w.locator(".msg.bot").last).to_have_text("Your name?")
    expect(field).to_be_focused()
    assert Conversation.objects.count() == 2


AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def test_the_open_widget_has_no_serious_accessibility_violations(visitor, live, site):
    page, _ = visitor
    flow = published_flow(
        {
            "nodes": [
                {"id": "s", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
                {
                    "id": "q",
                    "type": "question",
                    "position": {"x": 0, "y": 0},
                    "data": {
                        "text": "How can we help?",
                        "input_type": "choice",
                        "choices": [{"id": "a", "label": "Billing"}, {"id": "b", "label": "Shipping"}],
                        "variable": "topic",
                    },
                },
                {"id": "e", "type": "end", "position": {"x": 0, "y": 0}, "data": {"text": "Bye."}},
            ],
            "edges": [
                {"id": "1", "source": "s", "sourceHandle": "next", "target": "q"},
                {"id": "2", "source": "q", "sourceHandle": "choice:a", "target": "e"},
                {"id": "3", "source": "q", "sourceHandle": "choice:b", "target": "e"},
            ],
        },
        slug="a11y",
        name="Help desk",
    )
    FlowWidget.objects.create(flow=flow, appearance={"greeting": "Questions? Ask us."})
    page.goto(site.page("/a11y.html", host_page(live.url, [tag(live.url, "a11y")])))
    w = widget(page, "a11y")
    expect(w.locator(".teaser")).to_be_visible()
    page.add_script_tag(path=str(AXE))
    closed = page.evaluate(SCAN)
    w.locator(".launcher").click()
    expect(w.locator(".choice")).to_have_text(["Billing", "Shipping"])
    opened = page.evaluate(SCAN)
    # The messages are announced: a polite live log; every control has a name.
    expect(w.locator("[role=log]")).to_have_attribute("aria-live", "polite")
    for name in ("Restart the conversation", "Close the chat", "Send", "Billing", "Shipping"):
        expect(w.get_by_role("button", name=name)).to_be_visible()
    expect(w.get_by_role("textbox", name="Type your message…")).to_be_visible()
    assert closed == [] and opened == [], {"closed": closed, "open": opened}


# axe-core on the widget's host element (it walks into the open shadow root); serious and critical findings only.
SCAN = """async () => {
  const result = await axe.run(document.querySelector('flow-chat'), {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
  });
  // Targets inside a shadow root are paths (host, then the node): proof the scan looked inside.
  const inside = result.passes.flatMap(p => p.nodes).filter(n => Array.isArray(n.target[0])).length;
  if (inside < 5) return [{id: 'scan', help: `only ${inside} checks inside the shadow root`}];
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}));
}"""
