"""The OpenAPI document at /api/schema/ and the Swagger UI at /api/docs/, served without any CDN."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db

CHAT_PATHS = {
    "/api/v1/chat/{flow_slug}/conversations/": {"post"},
    "/api/v1/chat/conversations/{conversation_id}/messages/": {"get", "post"},
    "/api/v1/chat/conversations/{conversation_id}/runs/{run_id}/": {"get"},
}
BUILDER_PATHS = {
    "/api/v1/flows/": {"get", "post"},
    "/api/v1/flows/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/flows/{id}/publish/": {"post"},
    "/api/v1/flows/{id}/versions/": {"get"},
    "/api/v1/flows/{id}/versions/{number}/": {"get"},
    "/api/v1/flows/validate/": {"post"},
    "/api/v1/flows/{id}/conversations/": {"get"},
    "/api/v1/conversations/{id}/": {"get"},
    "/api/v1/conversations/{id}/runs/": {"get"},
    "/api/v1/node-types/": {"get"},
}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_lists_the_chat_and_builder_paths(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Flow builder API"
    paths = {path: set(ops) & METHODS for path, ops in schema["paths"].items()}
    for path, methods in {**CHAT_PATHS, **BUILDER_PATHS}.items():
        assert paths.get(path) == methods, path


def test_the_default_schema_is_yaml_for_anyone(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(response.content)
    assert set(CHAT_PATHS) <= set(document["paths"])


def test_the_chat_api_needs_no_login_and_the_builder_api_does(schema):
    for path, methods in CHAT_PATHS.items():
        for method in methods:
            assert schema["paths"][path][method].get("security", [{}]) == [{}], (path, method)
    assert "security" not in schema or schema["security"] == [{}]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert schemes["cookieAuth"]["in"] == "cookie"
    for path, methods in BUILDER_PATHS.items():
        for method in methods:
            security = schema["paths"][path][method]["security"]
            assert {"tokenAuth": []} in security and {"cookieAuth": []} in security, (path, method)


def test_the_chat_shapes_are_documented(schema):
    components = schema["components"]["schemas"]
    start = schema["paths"]["/api/v1/chat/{flow_slug}/conversations/"]["post"]
    created = start["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"id", "token", "status", "messages", "input"} <= set(components[created]["properties"])

    send = schema["paths"]["/api/v1/chat/conversations/{conversation_id}/messages/"]["post"]
    request = send["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(components[request]["properties"]) == {"text", "client_message_id"}
    assert components[request]["properties"]["text"]["maxLength"] == 4000
    assert "Authorization" in {p["name"] for p in send["parameters"] if p["in"] == "header"}


def test_the_docs_page_is_swagger_ui_from_local_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="swagger-ui"></div>' in html
    assert "/api/schema/" in html
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in html, cdn

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert any(a.endswith("swagger-ui.css") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, asset
