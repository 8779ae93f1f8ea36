"""`rest_api` against a real local HTTP server, run inside a flow by the engine with the run's real Services."""

import json
import time

import pytest
from werkzeug import Response

from .support import credential, problems, run

pytestmark = pytest.mark.django_db


def call(url, **data):
    return {"url": url, "retry": {"attempts": 1, "backoff_s": 0}, **data}


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
def test_every_method_reaches_the_server_and_2xx_follows_success(svc, server, method):
    server.expect_request("/items/7", method=method).respond_with_json({"id": 7, "method": method})

    turn = run("rest_api", call(server.url_for("/items/7"), method=method, save_as="reply"), svc)

    assert turn.said == ["OK"] and turn.handle == "success"
    assert [entry[0].method for entry in server.log] == [method]
    expected_body = None if method == "HEAD" else {"id": 7, "method": method}
    assert turn.variables["reply"]["status"] == 200
    assert turn.variables["reply"]["body"] == expected_body


def test_json_body_is_rendered_from_variables_and_sent_as_json(svc, server):
    server.expect_request("/people", method="POST").respond_with_json({"id": 1}, status=201)
    body = '{"name": {{ name | tojson }}, "age": {{ age }}, "tags": ["new"]}'

    turn = run(
        "rest_api",
        call(server.url_for("/people"), method="POST", body=body),
        svc,
        {"name": 'Ada "the first" Lovelace', "age": 36},
    )

    assert turn.handle == "success"
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == {"name": 'Ada "the first" Lovelace', "age": 36, "tags": ["new"]}
    assert turn.step.input["body"] == '{"name": "Ada \\"the first\\" Lovelace", "age": 36, "tags": ["new"]}'


def test_form_fields_are_url_encoded(svc, server):
    server.expect_request("/form", method="POST").respond_with_data("ok")
    form = [{"key": "name", "value": "{{ name }}"}, {"key": "note", "value": "a&b=c d"}]

    turn = run(
        "rest_api", call(server.url_for("/form"), method="POST", body_type="form", form=form), svc, {"name": "Ada"}
    )

    assert turn.handle == "success"
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.get_data() == b"name=Ada&note=a%26b%3Dc+d"
    assert request.form.to_dict() == {"name": "Ada", "note": "a&b=c d"}


def test_raw_body_is_sent_as_written_with_a_content_type_the_author_chose(svc, server):
    server.expect_request("/raw", method="PUT").respond_with_data("ok")
    headers = [{"key": "Content-Type", "value": "text/csv"}]

    turn = run(
        "rest_api",
        call(server.url_for("/raw"), method="PUT", body_type="raw", body="id,name\n1,{{ name }}\n", headers=headers),
        svc,
        {"name": "Ada"},
    )

    assert turn.handle == "success"
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "text/csv"
    assert request.get_data() == b"id,name\n1,Ada\n"


def test_xml_body_is_sent_as_xml(svc, server):
    server.expect_request("/orders", method="POST").respond_with_data("<ok/>", content_type="application/xml")

    turn = run(
        "rest_api",
        call(server.url_for("/orders"), method="POST", body_type="xml", body="<order><id>{{ id }}</id></order>"),
        svc,
        {"id": 42},
    )

    assert turn.handle == "success"
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert request.get_data() == b"<order><id>42</id></order>"


def test_a_json_body_that_renders_invalid_follows_error_and_sends_nothing(svc, server):
    turn = run(
        "rest_api",
        call(server.url_for("/people"), method="POST", body='{"name": "{{ name }}"}'),
        svc,
        {"name": 'Ada "quoted"'},
    )

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error.startswith("The body is not valid JSON (Expecting ',' delimiter at line 1 column 16).")
    assert "{{ name | tojson }}" in turn.error
    assert server.log == []


def test_fixed_bodies_and_urls_are_checked_when_the_flow_is_saved():
    found = problems(
        "rest_api",
        {
            "url": "ftp://files.example.com/x",
            "method": "POST",
            "body": '{"a": 1,}',
            "headers": [{"key": "Bad Header", "value": "x"}],
        },
    )

    assert found["url"] == "Only http and https URLs can be called, not ftp:."
    assert found["body"].startswith("The body is not valid JSON")
    assert found["headers.0.key"] == "'Bad Header' is not a valid header name (letters, digits and - only)."
    assert problems("rest_api", {"url": "/relative/path"})["url"].startswith("Give a full URL starting with https://")
    assert problems("rest_api", {"url": "{{ base }}/path"}) == {}
    assert problems("rest_api", {"url": "/relative/path", "credential": 3}) == {}


def test_query_and_headers_are_rendered_from_variables(svc, server):
    server.expect_request("/search").respond_with_json([])
    data = call(
        server.url_for("/search"),
        query=[{"key": "q", "value": "{{ term }}"}, {"key": "page", "value": "2"}, {"key": "q", "value": "extra"}],
        headers=[{"key": "X-Trace", "value": "conv-{{ id }}"}],
    )

    turn = run("rest_api", data, svc, {"term": "red shoes & socks", "id": "c9"})

    assert turn.handle == "success"
    request = server.log[0][0]
    assert request.args.getlist("q") == ["red shoes & socks", "extra"]
    assert request.args["page"] == "2"
    assert request.headers["X-Trace"] == "conv-c9"


def test_a_header_value_with_a_line_break_is_refused(svc, server):
    data = call(server.url_for("/x"), headers=[{"key": "X-Name", "value": "{{ name }}"}])

    turn = run("rest_api", data, svc, {"name": "Ada\r\nX-Admin: yes"})

    assert turn.handle == "error"
    assert turn.error == "The value of header X-Name contains a line break after filling in variables."
    assert server.log == []


XML = '<user id="7"><name>Ada</name><tag>a</tag><tag>b</tag></user>'


@pytest.mark.parametrize(
    ("response_type", "content_type", "payload", "expected"),
    [
        ("json", "text/plain", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("xml", "text/plain", XML, {"user": {"@id": "7", "name": "Ada", "tag": ["a", "b"]}}),
        ("text", "application/json", '{"a": 1}', '{"a": 1}'),
        ("auto", "application/json; charset=utf-8", '{"a": 1}', {"a": 1}),
        ("auto", "application/problem+json", '{"a": 1}', {"a": 1}),
        ("auto", "text/xml", XML, {"user": {"@id": "7", "name": "Ada", "tag": ["a", "b"]}}),
        ("auto", "text/html", "<p>hi</p>", "<p>hi</p>"),
        ("auto", "application/json", "not json", "not json"),
    ],
)
def test_response_types(svc, server, response_type, content_type, payload, expected):
    server.expect_request("/r").respond_with_data(payload, content_type=content_type)

    turn = run("rest_api", call(server.url_for("/r"), response_type=response_type, save_as="r"), svc)

    assert turn.handle == "success"
    assert turn.variables["r"]["body"] == expected


def test_a_response_that_is_not_the_declared_type_follows_error(svc, server):
    server.expect_request("/r").respond_with_data("<html>oops</html>", content_type="text/html")

    turn = run("rest_api", call(server.url_for("/r"), response_type="json"), svc)

    assert turn.handle == "error"
    assert (
        turn.error == f"The answer from 127.0.0.1:{server.port} is not valid JSON: Expecting value at line 1 column 1"
    )


def test_mapping_with_casts_sets_variables(svc, server):
    server.expect_request("/order").respond_with_json(
        {"order": {"total": "99.50", "items": "3", "paid": "yes", "tags": "vip", "customer": {"name": "Ada"}}}
    )
    rules = [
        {"variable": "total", "path": "order.total", "cast": "number"},
        {"variable": "items", "path": "order.items", "cast": "number"},
        {"variable": "paid", "path": "order.paid", "cast": "boolean"},
        {"variable": "tags", "path": "order.tags", "cast": "list"},
        {"variable": "customer", "path": "order.customer"},
        {"variable": "missing", "path": "order.nothing", "cast": "string"},
    ]

    turn = run("rest_api", call(server.url_for("/order"), mapping=rules), svc)

    assert turn.handle == "success"
    assert turn.variables == {
        "total": 99.5,
        "items": 3,
        "paid": True,
        "tags": ["vip"],
        "customer": {"name": "Ada"},
        "missing": "",
    }


def test_save_as_holds_status_headers_and_body_with_cookies_masked(svc, server):
    server.expect_request("/me").respond_with_json(
        {"id": 5}, status=201, headers={"X-Request-Id": "r-1", "Set-Cookie": "session=abcdef123456"}
    )

    turn = run("rest_api", call(server.url_for("/me"), save_as="me"), svc)

    saved = turn.variables["me"]
    assert saved["status"] == 201 and saved["body"] == {"id": 5}
    assert saved["headers"]["X-Request-Id"] == "r-1"
    assert saved["headers"]["Set-Cookie"] == "[redacted]"


def test_5xx_is_retried_then_succeeds(svc, server):
    server.expect_oneshot_request("/flaky").respond_with_data("down", status=503)
    server.expect_oneshot_request("/flaky").respond_with_data("down", status=502)
    server.expect_request("/flaky").respond_with_json({"ok": True})

    turn = run("rest_api", call(server.url_for("/flaky"), retry={"attempts": 3, "backoff_s": 0}, save_as="r"), svc)

    assert turn.handle == "success" and turn.variables["r"]["body"] == {"ok": True}
    assert len(server.log) == 3
    assert turn.step.output["attempts"] == 3 and turn.step.output["status"] == 200


def test_5xx_on_every_attempt_follows_error_with_the_reason(svc, server):
    server.expect_request("/down", method="POST").respond_with_data("maintenance until 5pm", status=503)

    turn = run(
        "rest_api",
        call(server.url_for("/down") + "?api_key=k", method="POST", retry={"attempts": 3, "backoff_s": 0}),
        svc,
    )

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == (
        f"POST http://127.0.0.1:{server.port}/down answered 503 Service Unavailable after 3 attempts: "
        "maintenance until 5pm"
    )
    assert len(server.log) == 3


def test_429_waits_as_retry_after_says(svc, server):
    server.expect_oneshot_request("/limited").respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    server.expect_request("/limited").respond_with_json({"ok": True})

    started = time.monotonic()
    turn = run("rest_api", call(server.url_for("/limited"), retry={"attempts": 2, "backoff_s": 0}), svc)

    assert turn.handle == "success"
    assert time.monotonic() - started >= 0.95
    assert len(server.log) == 2


def test_a_non_2xx_answer_follows_error(svc, server):
    server.expect_request("/users/9").respond_with_data(
        '{"error": "no such user"}', status=404, content_type="application/json"
    )

    turn = run("rest_api", call(server.url_for("/users/9")), svc)

    assert turn.handle == "error"
    assert turn.error == (
        f"GET http://127.0.0.1:{server.port}/users/9 answered 404 Not Found after 1 attempt: "
        '{"error": "no such user"}'
    )


def test_a_timeout_follows_error_with_the_reason(svc, silent_port):
    started = time.monotonic()
    turn = run("rest_api", call(f"http://127.0.0.1:{silent_port}/slow", timeout_s=1), svc)

    assert turn.handle == "error"
    assert (
        turn.error
        == f"GET http://127.0.0.1:{silent_port}/slow failed: The server at 127.0.0.1 did not answer within 1 s."
    )
    assert time.monotonic() - started < 5
    assert turn.step.duration_ms >= 900


def test_a_refused_connection_follows_error(svc, closed_port):
    turn = run("rest_api", call(f"http://127.0.0.1:{closed_port}/x"), svc)

    assert turn.handle == "error"
    assert turn.error.startswith(f"GET http://127.0.0.1:{closed_port}/x failed: Could not connect to 127.0.0.1")


def test_private_addresses_stay_refused_without_the_allow_list(svc, server, settings):
    settings.SSRF_ALLOW = []
    from integrations.services import Services

    turn = run("rest_api", call(server.url_for("/x")), Services(flow_id="flow-7"))

    assert turn.handle == "error"
    assert "127.0.0.1" in turn.error and server.log == []


def test_without_services_the_node_says_what_it_needs(db):
    turn = run("rest_api", call("https://api.example.com/x"), None)

    assert turn.handle == "error"
    assert turn.error == "The REST API node needs the integrations services (outbound HTTP and credentials)."


def test_the_step_shows_the_exchange_with_the_credential_redacted(svc, server):
    server.expect_request("/secure", method="POST").respond_with_json({"ok": True})
    cred = credential(
        "Acme API",
        "api_connection",
        {"base_url": server.url_for("/"), "auth_type": "bearer"},
        {"token": "tok-canary-5813"},
    )

    turn = run("rest_api", call("/secure", method="POST", body='{"a": 1}', credential=cred.pk), svc)

    assert turn.handle == "success"
    assert server.log[0][0].headers["Authorization"] == "Bearer tok-canary-5813"
    (exchange,) = turn.exchanges
    assert exchange["request"]["method"] == "POST"
    assert exchange["request"]["url"] == server.url_for("/secure")
    assert exchange["request"]["headers"]["Authorization"] == "Bearer [redacted]"
    assert exchange["request"]["body"] == '{"a": 1}'
    assert exchange["response"]["status"] == 200
    assert "tok-canary-5813" not in json.dumps([turn.step.input, turn.step.output, turn.step.error])


@pytest.mark.parametrize(
    ("settings_", "secrets", "expect"),
    [
        ({"auth_type": "none"}, {}, lambda r: "Authorization" not in r.headers),
        (
            {"auth_type": "bearer"},
            {"token": "bearer-secret-1"},
            lambda r: r.headers["Authorization"] == "Bearer bearer-secret-1",
        ),
        (
            {"auth_type": "api_key", "api_key_name": "X-Api-Key", "api_key_in": "header"},
            {"api_key": "key-secret-2"},
            lambda r: r.headers["X-Api-Key"] == "key-secret-2",
        ),
        (
            {"auth_type": "api_key", "api_key_name": "apikey", "api_key_in": "query"},
            {"api_key": "key-secret-3"},
            lambda r: r.args["apikey"] == "key-secret-3" and r.args["q"] == "Ada",
        ),
        (
            {"auth_type": "basic", "username": "ada"},
            {"password": "basic-secret-4"},
            lambda r: r.authorization.username == "ada" and r.authorization.password == "basic-secret-4",
        ),
    ],
)
def test_auth_kinds_through_an_api_connection(svc, server, settings_, secrets, expect):
    server.expect_request("/v1/contacts").respond_with_json({"ok": True})
    cred = credential(
        "Contacts API",
        "api_connection",
        {"base_url": server.url_for("/v1"), "default_headers": {"X-Client": "flows"}, **settings_},
        secrets,
    )

    turn = run(
        "rest_api",
        call("contacts", query=[{"key": "q", "value": "{{ name }}"}], credential=cred.pk),
        svc,
        {"name": "Ada"},
    )

    assert turn.handle == "success", turn.error
    request = server.log[0][0]
    assert expect(request)
    assert request.headers["X-Client"] == "flows"
    shown = json.dumps([turn.step.input, turn.step.output])
    for secret in secrets.values():
        assert secret not in shown


def test_a_missing_credential_follows_error_with_a_clear_message(svc, server):
    turn = run("rest_api", call("/x", credential=999), svc)

    assert turn.handle == "error"
    assert turn.error.startswith("There is no credential with id 999")


def test_a_credential_of_another_kind_is_refused(svc, server):
    cred = credential("Hook secret", "webhook_secret", {}, {"signing_secrets": "whsec_" + "A" * 44})

    turn = run("rest_api", call(server.url_for("/x"), credential=cred.pk), svc)

    assert turn.handle == "error"
    assert "this node needs one of kind API connection" in turn.error
    assert server.log == []


def test_a_server_answering_after_the_timeout_follows_error(svc, server):
    def slow(_request):
        time.sleep(1.5)
        return Response("late")

    server.expect_request("/late").respond_with_handler(slow)

    turn = run("rest_api", call(server.url_for("/late"), timeout_s=1), svc)

    assert turn.handle == "error"
    assert turn.error == f"GET {server.url_for('/late')} failed: The server at 127.0.0.1 did not answer within 1 s."
    deadline = time.monotonic() + 30
    while not server.log and time.monotonic() < deadline:  # the single-threaded server is done before the next test
        time.sleep(0.02)
    assert len(server.log) == 1
