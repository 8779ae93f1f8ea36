"""The widget's settings (look, avatar, allowed websites), its public reads, CORS per flow, /widget.js, /c/SLUG/."""

import base64
import contextlib
import uuid

import pytest
from rest_framework.test import APIClient

from flows.models import FlowAsset, FlowWidget
from tests.api.conftest import row_counts
from tests.api.test_chat_errors import Started, assert_error, client_ip
from tests.factories import FlowFactory, published_flow

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"
OTHER = "https://evil.example.net"
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def chat(db):
    return APIClient(REMOTE_ADDR=client_ip())


@pytest.fixture
def flow(db):
    return published_flow("greeting", slug="greet", name="Greeter")


def appearance_url(flow) -> str:
    return f"/api/v1/flows/{flow.pk}/appearance/"


@contextlib.contextmanager
def unchanged(flow):
    before = (list(FlowWidget.objects.filter(flow=flow).values()), FlowAsset.objects.count(), row_counts())
    yield
    assert (list(FlowWidget.objects.filter(flow=flow).values()), FlowAsset.objects.count(), row_counts()) == before


# The builder's settings.


def test_an_unsaved_widget_shows_the_defaults_with_the_flow_name_as_title(editor_client, flow):
    body = editor_client.get(appearance_url(flow)).json()
    assert body == {
        "title": "",
        "subtitle": "We usually answer right away",
        "accent": "#4f46e5",
        "position": "right",
        "launcher_icon": "chat",
        "greeting": "",
        "placeholder": "Type your message…",
        "theme": "light",
        "allowed_origins": [],
        "avatar_url": None,
    }
    public = APIClient().get("/api/v1/chat/greet/widget/").json()
    assert public["title"] == "Greeter" and public["flow"] == "greet"


def test_an_editor_changes_the_look_and_origins_without_publishing(editor_client, flow, chat):
    versions = flow.versions.count()
    response = editor_client.put(
        appearance_url(flow),
        {
            "title": "Shop help",
            "accent": "#0F766E",
            "position": "left",
            "greeting": "Questions? Ask me!",
            "theme": "dark",
            "allowed_origins": ["https://Shop.Example.com/", "http://localhost:8080", "https://*.example.org"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["allowed_origins"] == [SHOP, "http://localhost:8080", "https://*.example.org"]
    assert (body["title"], body["accent"], body["position"], body["theme"]) == ("Shop help", "#0F766E", "left", "dark")
    assert flow.versions.count() == versions  # nothing was published
    # A second change keeps what it does not name.
    editor_client.put(appearance_url(flow), {"subtitle": "Open 9-5"}, format="json")
    public = chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN=SHOP).json()
    assert public["title"] == "Shop help" and public["subtitle"] == "Open 9-5" and public["greeting"]
    assert "allowed_origins" not in public  # the widget need not know the list


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"accent": "red"}, "accent"),
        ({"position": "top"}, "position"),
        ({"theme": "sepia"}, "theme"),
        ({"allowed_origins": ["shop.example.com"]}, "allowed_origins"),
        ({"allowed_origins": ["https://shop.example.com/path"]}, "allowed_origins"),
        ({"allowed_origins": ["javascript:alert(1)"]}, "allowed_origins"),
        ({"title": "x" * 61}, "title"),
    ],
)
def test_bad_settings_are_refused_field_by_field_and_nothing_changes(editor_client, flow, body, field):
    editor_client.put(appearance_url(flow), {"title": "Kept"}, format="json")
    with unchanged(flow):
        response = editor_client.put(appearance_url(flow), body, format="json")
    error = assert_error(response, 400, "invalid")
    assert field in error["fields"], error


def test_only_editors_read_or_change_the_settings(anon, flow):
    assert anon.get(appearance_url(flow)).status_code in (401, 403)
    with unchanged(flow):
        assert anon.put(appearance_url(flow), {"title": "Mine"}, format="json").status_code in (401, 403)


def test_an_avatar_is_uploaded_as_a_flow_asset_and_served_to_widgets(editor_client, flow, chat):
    response = editor_client.post(
        f"/api/v1/flows/{flow.pk}/appearance/avatar/", {"file": _upload("me.png", PNG)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith("/api/v1/chat/greet/widget/avatar/?v=")
    asset = FlowAsset.objects.get(flow=flow)
    assert asset.content_type == "image/png" and asset.size == len(PNG)
    image = chat.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content == PNG
    assert "immutable" in image["Cache-Control"]
    assert chat.get("/api/v1/chat/greet/widget/").json()["avatar_url"] == url
    # Removing it.
    assert editor_client.delete(f"/api/v1/flows/{flow.pk}/appearance/avatar/").json()["avatar_url"] is None
    assert not FlowAsset.objects.filter(flow=flow).exists()


def test_an_avatar_that_is_not_an_image_is_refused(editor_client, flow):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with unchanged(flow):
        response = editor_client.post(
            f"/api/v1/flows/{flow.pk}/appearance/avatar/", {"file": _upload("me.png", svg)}, format="multipart"
        )
    assert "PNG, JPEG, GIF or WebP" in assert_error(response, 400, "invalid_image")["message"]


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# What widgets read.


def test_an_unpublished_flow_has_no_widget_nor_hosted_page(chat):
    FlowFactory(slug="draft-only")
    assert_error(chat.get("/api/v1/chat/draft-only/widget/"), 404, "flow_not_found")
    page = chat.get("/c/draft-only/")
    assert page.status_code == 404 and b"This chat is not available" in page.content


def test_the_hosted_page_embeds_the_widget_inline(chat, flow):
    page = chat.get("/c/greet/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="/widget.js" data-flow="greet" data-mode="inline" data-target="#chat"' in html
    assert "<title>Greeter</title>" in html


def test_widget_js_loads_the_hashed_bundle_and_is_cached_briefly(chat):
    response = chat.get("/widget.js")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert "/static/widget/assets/widget-" in body and "FlowChat" in body


# Allowed origins: CORS and the server's own refusal.


def _allow(flow, *origins):
    FlowWidget.objects.update_or_create(flow=flow, defaults={"allowed_origins": list(origins)})


def _preflight(chat, url, origin):
    return chat.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
    )


def test_a_flow_without_a_list_accepts_any_origin(chat, flow):
    preflight = _preflight(chat, "/api/v1/chat/greet/conversations/", OTHER)
    assert preflight["Access-Control-Allow-Origin"] == OTHER
    assert "authorization" in preflight["Access-Control-Allow-Headers"]


def test_preflights_are_answered_by_the_flows_list(chat, flow):
    _allow(flow, SHOP)
    started = Started(flow)
    for url in (
        "/api/v1/chat/greet/conversations/",
        f"/api/v1/chat/conversations/{started.id}/messages/",
        f"/api/v1/chat/conversations/{started.id}/runs/{uuid.uuid4()}/",
    ):
        allowed = _preflight(chat, url, SHOP)
        assert allowed["Access-Control-Allow-Origin"] == SHOP, url
        refused = _preflight(chat, url, OTHER)
        assert "Access-Control-Allow-Origin" not in refused, url


def test_a_refused_origin_gets_a_clear_error_and_nothing_is_stored(chat, flow):
    _allow(flow, SHOP)
    started = Started(flow)
    with unchanged(flow):
        start = chat.post("/api/v1/chat/greet/conversations/?wait=0", {}, format="json", HTTP_ORIGIN=OTHER)
        said = chat.post(
            f"/api/v1/chat/conversations/{started.id}/messages/?wait=0",
            {"text": "hi", "client_message_id": "c1"},
            format="json",
            HTTP_ORIGIN=OTHER,
            **started.auth,
        )
        config = chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN=OTHER)
    for response in (start, said, config):
        error = assert_error(response, 403, "origin_not_allowed")
        assert OTHER in error["message"] and "Share panel" in error["message"]
        # Readable by the refused page, so its widget can say why.
        assert response["Access-Control-Allow-Origin"] == OTHER
    ok = chat.post("/api/v1/chat/greet/conversations/?wait=0", {}, format="json", HTTP_ORIGIN=SHOP)
    assert ok.status_code in (201, 202) and ok["Access-Control-Allow-Origin"] == SHOP


def test_subdomains_match_a_wildcard_and_the_apps_own_pages_always_may(chat, flow):
    _allow(flow, "https://*.example.com")
    assert chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN="https://www.example.com").status_code == 200
    assert chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN="https://example.com.evil.net").status_code == 403
    # The hosted page and the builder's preview are on the app's own origin.
    assert chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN="http://testserver").status_code == 200


def test_chat_cors_origins_is_the_list_of_flows_without_their_own(chat, flow, settings):
    settings.CHAT_CORS_ORIGINS = [SHOP]
    assert chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN=SHOP).status_code == 200
    assert_error(chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN=OTHER), 403, "origin_not_allowed")
    _allow(flow, OTHER)  # the flow's own list wins
    assert chat.get("/api/v1/chat/greet/widget/", HTTP_ORIGIN=OTHER).status_code == 200
