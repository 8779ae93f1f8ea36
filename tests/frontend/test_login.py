"""The product's own login page: any active user may log in (roles decide the rest); admin keeps its own."""

import re

import pytest
from django.test import Client

from tests.factories import EditorFactory, UserFactory
from tests.frontend.test_frontend import manifest  # noqa: F401 - the fixture: a built bundle's manifest

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"  # the factories'


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/?next=/builder/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client, token


def test_the_builder_sends_anonymous_visitors_to_the_products_login_and_back(manifest):  # noqa: F811
    client, token = csrf_client()
    assert Client().get("/builder/flows/7/")["Location"] == "/login/?next=/builder/flows/7/"
    user = EditorFactory(role="Viewer")  # not staff: admin's login would refuse this user
    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD, "next": "/builder/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == "/builder/"
    assert client.get("/builder/").status_code == 200


def test_bad_credentials_get_a_clear_error_and_no_session():
    client, token = csrf_client()
    user = UserFactory()
    response = client.post("/login/", {"username": user.username, "password": "wrong", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_login_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 403


def test_login_never_redirects_to_another_site():
    client, token = csrf_client()
    user = EditorFactory()
    response = client.post(
        "/login/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/", "csrfmiddlewaretoken": token},
    )
    assert response["Location"] == "/builder/"


def test_logout_is_a_post_and_leads_back_to_login():
    client = Client(enforce_csrf_checks=True)
    client.force_login(EditorFactory())
    asked = client.get("/logout/")
    assert asked.status_code == 200 and b"Log out?" in asked.content
    assert "_auth_user_id" in client.session  # GET only asks
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', asked.content.decode()).group(1)
    done = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert done.status_code == 302 and done["Location"] == "/login/?logged_out=1"
    assert "_auth_user_id" not in client.session
    assert b"You are logged out." in client.get(done["Location"]).content


def test_admin_keeps_its_own_login_for_staff():
    response = Client().get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
