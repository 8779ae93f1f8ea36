"""Chat input in a URL template cannot steer the request: for every node that builds a URL, a corpus of hostile
answers against a local server that records the exact request line it received."""

from urllib.parse import parse_qsl, quote

import pytest

from tests.support.request_lines import request_line_server

from .support import credential, run

pytestmark = pytest.mark.django_db

# Each arrives as one encoded path segment (or one query value): never a new segment, parameter or fragment.
ENCODED = [
    "42/../../admin/delete?all=1#",
    "7/../../admin/users?all=1#",
    "/",
    "%2F",
    "a%2Fb",
    "%2e%2e",
    "?",
    "#",
    "&",
    "a&all=1",
    "@",
    "user@evil.example",
    "\\",
    "..\\admin",
    "x\r\nHost: evil.example",
    "\r\n",
    "...",
    "a b",
    "ünï",
]
# As a whole segment these would step to another resource (or drop one): refused before any request.
REFUSED = ["..", ".", "．．", "．", ""]


@pytest.fixture
def lines():
    with request_line_server() as seen:
        yield seen


def once(**data):
    return {"retry": {"attempts": 1, "backoff_s": 0}, **data}


def test_a_legitimate_id_gives_the_path_it_always_gave(svc, lines):
    turn = run("rest_api", once(url=lines.base + "/users/{{ id }}/profile"), svc, {"id": "42"})

    assert turn.handle == "success", turn.error
    assert lines.lines == ["GET /users/42/profile HTTP/1.1"]


@pytest.mark.parametrize("answer", ENCODED)
def test_rest_api_url_path_takes_an_answer_as_one_segment(svc, lines, answer):
    turn = run("rest_api", once(url=lines.base + "/users/{{ id }}/profile"), svc, {"id": answer})

    assert turn.handle == "success", turn.error
    assert lines.targets() == [f"GET /users/{quote(answer, safe='')}/profile"]


@pytest.mark.parametrize("answer", REFUSED)
def test_rest_api_refuses_an_answer_that_would_step_out_of_its_segment(svc, lines, answer):
    turn = run("rest_api", once(url=lines.base + "/users/{{ id }}/profile"), svc, {"id": answer})

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert "variable in the URL path" in turn.error
    assert lines.lines == []


@pytest.mark.parametrize("answer", ENCODED + [".."])
def test_rest_api_url_query_takes_an_answer_as_one_value(svc, lines, answer):
    turn = run("rest_api", once(url=lines.base + "/search?q={{ q }}&page=1"), svc, {"q": answer})

    assert turn.handle == "success", turn.error
    (target,) = lines.targets()
    assert target == f"GET /search?q={quote(answer, safe='')}&page=1"
    assert parse_qsl(target.split("?", 1)[1], keep_blank_values=True) == [("q", answer), ("page", "1")]


@pytest.mark.parametrize("answer", ENCODED + [".."])
def test_rest_api_query_parameters_take_an_answer_as_one_value(svc, lines, answer):
    data = once(url=lines.base + "/search", query=[{"key": "q", "value": "{{ q }}"}, {"key": "page", "value": "1"}])

    turn = run("rest_api", data, svc, {"q": answer})

    assert turn.handle == "success", turn.error
    (target,) = lines.targets()
    path, query = target.split("?", 1)
    assert path == "GET /search"
    assert parse_qsl(query, keep_blank_values=True) == [("q", answer), ("page", "1")]


def test_a_variable_holding_a_whole_url_must_be_marked_safe(svc, lines):
    turn = run("rest_api", once(url="{{ base }}/users/7"), svc, {"base": lines.base})

    assert turn.handle == "error"
    assert "{{ name | safe }}" in turn.error
    assert lines.lines == []

    turn = run("rest_api", once(url="{{ base | safe }}/users/{{ id }}"), svc, {"base": lines.base, "id": "7/../x"})

    assert turn.handle == "success", turn.error
    assert lines.lines == ["GET /users/7%2F..%2Fx HTTP/1.1"]


@pytest.fixture
def api(lines):
    return credential(
        "Contacts API",
        "api_connection",
        {"base_url": lines.base + "/api", "auth_type": "bearer"},
        {"token": "contacts-token-31"},
    )


def test_connect_delete_with_a_legitimate_id(svc, lines, api):
    turn = run("connect", once(credential=api.pk, method="DELETE", path="/contacts/{{ id }}"), svc, {"id": "7"})

    assert turn.handle == "success", turn.error
    assert lines.lines == ["DELETE /api/contacts/7 HTTP/1.1"]
    assert lines.headers[0]["authorization"] == "Bearer contacts-token-31"


@pytest.mark.parametrize("answer", ENCODED)
def test_connect_path_takes_an_answer_as_one_segment_under_the_base_url(svc, lines, api, answer):
    data = once(credential=api.pk, method="DELETE", path="/contacts/{{ id }}")

    turn = run("connect", data, svc, {"id": answer})

    assert turn.handle == "success", turn.error
    assert lines.targets() == [f"DELETE /api/contacts/{quote(answer, safe='')}"]


@pytest.mark.parametrize("answer", REFUSED)
def test_connect_refuses_an_answer_that_would_step_out_of_its_segment(svc, lines, api, answer):
    data = once(credential=api.pk, method="DELETE", path="/contacts/{{ id }}")

    turn = run("connect", data, svc, {"id": answer})

    assert turn.handle == "error" and "variable in the URL path" in turn.error
    assert lines.lines == []


@pytest.mark.parametrize("answer", ENCODED + [".."])
def test_connect_get_fields_and_path_query_take_an_answer_as_one_value(svc, lines, api, answer):
    data = once(
        credential=api.pk,
        path="/contacts?name={{ q }}",
        request_mapping=[{"field": "email", "value": "{{ q }}"}],
    )

    turn = run("connect", data, svc, {"q": answer})

    assert turn.handle == "success", turn.error
    (target,) = lines.targets()
    path, query = target.split("?", 1)
    assert path == "GET /api/contacts"
    assert parse_qsl(query, keep_blank_values=True) == [("name", answer), ("email", answer)]


@pytest.mark.parametrize("platform", ["zapier", "make", "pabbly"])
def test_webhook_urls_are_fixed_text_never_filled_from_variables(svc, lines, platform):
    data = once(webhook_url=lines.base + "/hooks/{{ id }}", payload="chosen", variables=["id"])

    turn = run(platform, data, svc, {"id": "../../admin?all=1#"})

    assert turn.handle == "success", turn.error
    assert lines.targets() == ["POST /hooks/%7B%7B%20id%20%7D%7D"]


@pytest.mark.parametrize("answer", ENCODED)
def test_integration_template_url_takes_a_parameter_as_one_segment(svc, lines, answer):
    cred = credential("Airtable", "api_connection", {"base_url": lines.base, "auth_type": "bearer"}, {"token": "pat-1"})
    params = {"base_id": "appBase1", "table": "{{ table }}", "fields": {"Name": "Ada"}}

    turn = run("template", once(template="airtable_create_record", credential=cred.pk, params=params), svc,
               {"table": answer})  # fmt: skip

    assert turn.handle == "success", turn.error
    assert lines.targets() == [f"POST /v0/appBase1/{quote(answer, safe='')}"]


@pytest.mark.parametrize("answer", REFUSED[:-1])
def test_integration_template_refuses_a_parameter_that_would_step_away(svc, lines, answer):
    cred = credential("Airtable", "api_connection", {"base_url": lines.base, "auth_type": "bearer"}, {"token": "pat-1"})
    params = {"base_id": "appBase1", "table": "{{ table }}", "fields": {"Name": "Ada"}}

    turn = run("template", once(template="airtable_create_record", credential=cred.pk, params=params), svc,
               {"table": answer})  # fmt: skip

    assert turn.handle == "error" and "variable in the URL path" in turn.error
    assert lines.lines == []
