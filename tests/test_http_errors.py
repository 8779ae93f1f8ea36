"""Unknown API paths answer in the API's JSON error shape; other paths keep Django's pages."""


def test_unknown_api_path_is_a_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such API endpoint."}}


def test_unknown_page_is_html(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
