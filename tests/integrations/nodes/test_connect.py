"""`connect`: a saved API connection called in REST or GraphQL mode, against a real local server."""

import json

import pytest
from werkzeug import Response

from integrations.services import Services

from .support import credential, problems, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(server):
    return credential(
        "Shop API",
        "api_connection",
        {"base_url": server.url_for("/v1"), "auth_type": "bearer"},
        {"token": "shop-token-77"},
    )


def connect(cred, **data):
    return {"credential": cred.pk, "retry": {"attempts": 1, "backoff_s": 0}, **data}


def test_get_sends_the_request_fields_as_query_and_maps_the_answer(svc, server, api):
    server.expect_request("/v1/customers", method="GET").respond_with_json(
        {"results": [{"id": "17", "name": "Ada", "vip": "yes"}], "total": "1"}
    )
    data = connect(
        api,
        path="/customers",
        request_mapping=[{"field": "email", "value": "{{ email }}"}, {"field": "limit", "value": "1"}],
        response_mapping=[
            {"variable": "customer_id", "path": "results[0].id", "cast": "number"},
            {"variable": "vip", "path": "results[0].vip", "cast": "boolean"},
            {"variable": "names", "path": "results[].name", "cast": "list"},
            {"variable": "total", "path": "total", "cast": "string"},
        ],
    )

    turn = run("connect", data, svc, {"email": "ada@example.com"})

    assert turn.handle == "success", turn.error
    request = server.log[0][0]
    assert request.args.to_dict() == {"email": "ada@example.com", "limit": "1"}
    assert request.headers["Authorization"] == "Bearer shop-token-77"
    assert turn.variables == {
        "email": "ada@example.com",
        "customer_id": 17,
        "vip": True,
        "names": ["Ada"],
        "total": "1",
    }


def test_json_request_nests_dotted_fields_and_types_values(svc, server, api):
    server.expect_request("/v1/orders", method="POST").respond_with_json({"id": "o-1"}, status=201)
    data = connect(
        api,
        method="POST",
        path="orders",
        request_mapping=[
            {"field": "customer.email", "value": "{{ email }}"},
            {"field": "customer.name", "value": "{{ name }}"},
            {"field": "quantity", "value": "{{ qty }}", "type": "number"},
            {"field": "gift", "value": "no", "type": "boolean"},
            {"field": "lines", "value": '[{"sku": "{{ sku }}"}]', "type": "json"},
        ],
        save_as="order",
    )

    turn = run("connect", data, svc, {"email": "ada@example.com", "name": "Ada", "qty": "2", "sku": "X1"})

    assert turn.handle == "success", turn.error
    assert server.log[0][0].get_json() == {
        "customer": {"email": "ada@example.com", "name": "Ada"},
        "quantity": 2,
        "gift": False,
        "lines": [{"sku": "X1"}],
    }
    assert turn.variables["order"]["status"] == 201 and turn.variables["order"]["body"] == {"id": "o-1"}


def test_form_request_format(svc, server, api):
    server.expect_request("/v1/leads", method="POST").respond_with_data("ok")
    data = connect(
        api,
        method="POST",
        path="leads",
        request_format="form",
        request_mapping=[{"field": "name", "value": "{{ name }}"}, {"field": "score", "value": "5", "type": "number"}],
    )

    turn = run("connect", data, svc, {"name": "Ada & Co"})

    assert turn.handle == "success", turn.error
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form.to_dict() == {"name": "Ada & Co", "score": "5"}


def test_xml_request_format(svc, server, api):
    server.expect_request("/v1/orders", method="PUT").respond_with_data(
        "<result><id>9</id></result>", content_type="application/xml"
    )
    data = connect(
        api,
        method="PUT",
        path="orders",
        request_format="xml",
        request_mapping=[
            {"field": "order.customer.name", "value": "{{ name }}"},
            {"field": "order.total", "value": "12.5", "type": "number"},
        ],
        response_mapping=[{"variable": "order_id", "path": "result.id", "cast": "number"}],
    )

    turn = run("connect", data, svc, {"name": "Ada <3"})

    assert turn.handle == "success", turn.error
    request = server.log[0][0]
    assert request.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert request.get_data() == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b"<order><customer><name>Ada &lt;3</name></customer><total>12.5</total></order>"
    )
    assert turn.variables["order_id"] == 9


QUERY = "query Customer($id: ID!, $withOrders: Boolean) { customer(id: $id) { name orders { id } } }"


def test_graphql_posts_query_and_variables_and_maps_data(svc, server, api):
    server.expect_request("/v1/graphql", method="POST").respond_with_json(
        {"data": {"customer": {"name": "Ada", "orders": [{"id": "1"}, {"id": "2"}]}}}
    )
    data = connect(
        api,
        mode="graphql",
        path="graphql",
        query=QUERY,
        variables='{"id": {{ customer_id | tojson }}}',
        request_mapping=[{"field": "withOrders", "value": "true", "type": "boolean"}],
        response_mapping=[
            {"variable": "name", "path": "data.customer.name"},
            {"variable": "order_count", "path": "length(data.customer.orders)", "cast": "number"},
        ],
    )

    turn = run("connect", data, svc, {"customer_id": "c-42"})

    assert turn.handle == "success", turn.error
    request = server.log[0][0]
    assert request.get_json() == {"query": QUERY, "variables": {"id": "c-42", "withOrders": True}}
    assert turn.variables["name"] == "Ada" and turn.variables["order_count"] == 2


def test_graphql_errors_follow_error_with_the_first_message(svc, server, api):
    server.expect_request("/v1/graphql", method="POST").respond_with_json(
        {
            "data": None,
            "errors": [{"message": "Customer c-0 not found", "path": ["customer"]}, {"message": "second"}],
        }
    )

    turn = run("connect", connect(api, mode="graphql", path="graphql", query=QUERY, variables='{"id": "c-0"}'), svc)

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == "The GraphQL API answered with an error: Customer c-0 not found (and 1 more)"


def test_graphql_errors_on_a_400_answer_say_the_graphql_message(svc, server, api):
    server.expect_request("/v1/graphql", method="POST").respond_with_json(
        {"errors": [{"message": 'Syntax Error: Expected Name, found "}".'}]}, status=400
    )

    turn = run("connect", connect(api, mode="graphql", path="graphql", query="{ broken }"), svc)

    assert turn.handle == "error"
    assert turn.error == 'The GraphQL API answered with an error: Syntax Error: Expected Name, found "}".'


def test_a_5xx_answer_follows_error(svc, server, api):
    server.expect_request("/v1/orders").respond_with_data("", status=500)

    turn = run("connect", connect(api, path="orders", retry={"attempts": 2, "backoff_s": 0}), svc)

    assert turn.handle == "error"
    assert (
        turn.error
        == f"GET http://127.0.0.1:{server.port}/v1/orders answered 500 Internal Server Error after 2 attempts"
    )


def test_a_full_url_to_another_host_does_not_get_the_connections_secrets(svc, server, api):
    turn = run("connect", connect(api, path="https://elsewhere.example.com/steal"), svc)

    assert turn.handle == "error"
    assert "so it is not sent to elsewhere.example.com" in turn.error


def test_oauth2_token_is_fetched_cached_and_refreshed_once_on_401(db, server, loopback):
    issued = []

    def token(request):
        assert request.form["grant_type"] == "client_credentials"
        assert request.authorization.username == "client-1"
        assert request.authorization.password == "client-secret-xyz"
        issued.append(f"access-{len(issued) + 1}-abcdef")
        return Response(json.dumps({"access_token": issued[-1], "expires_in": 3600}), content_type="application/json")

    def me(request):
        # The first token is revoked server-side: the node must fetch a fresh one and try again.
        if request.headers.get("Authorization") != "Bearer access-2-abcdef":
            return Response('{"error": "invalid_token"}', status=401, content_type="application/json")
        return Response('{"name": "Ada"}', content_type="application/json")

    server.expect_request("/oauth/token", method="POST").respond_with_handler(token)
    server.expect_request("/v1/me").respond_with_handler(me)
    cred = credential(
        "OAuth API",
        "api_connection",
        {
            "base_url": server.url_for("/v1"),
            "auth_type": "oauth2",
            "token_url": server.url_for("/oauth/token"),
            "client_id": "client-1",
        },
        {"client_secret": "client-secret-xyz"},
    )
    data = connect(cred, path="me", response_mapping=[{"variable": "name", "path": "name"}])

    first = run("connect", data, Services(flow_id="f"), {})
    second = run("connect", data, Services(flow_id="f"), {})

    assert first.handle == "success" and first.variables["name"] == "Ada"
    assert second.handle == "success" and second.variables["name"] == "Ada"
    assert issued == ["access-1-abcdef", "access-2-abcdef"]  # the second run used the cached, refreshed token
    paths = [entry[0].path for entry in server.log]
    assert paths == ["/oauth/token", "/v1/me", "/oauth/token", "/v1/me", "/v1/me"]
    for turn in (first, second):
        shown = json.dumps([turn.step.input, turn.step.output, turn.step.error])
        assert "access-2-abcdef" not in shown and "client-secret-xyz" not in shown


def test_check_reports_problems_on_their_fields():
    found = problems(
        "connect",
        {
            "credential": 1,
            "mode": "graphql",
            "variables": "[1, 2]",
            "request_mapping": [
                {"field": "a", "value": "1"},
                {"field": "a.b", "value": "2"},
                {"field": "n", "value": "abc", "type": "number"},
            ],
            "response_mapping": [{"variable": "x", "path": "data.["}],
        },
    )

    assert problems("connect", {"path": "/x"}) == {"credential": "Required"}
    assert found["query"] == "Write the GraphQL query (or mutation) to send."
    assert found["variables"] == 'The GraphQL variables must be a JSON object, like {"id": 42}.'
    assert found["request_mapping"] == "Request field a.b: a is already a value, so it cannot hold fields."
    assert found["request_mapping.2.value"] == "Request field n: 'abc' is not a number."
    assert found["response_mapping.0.path"].startswith("'data.[' is not a valid JMESPath expression")


def test_xml_field_names_must_be_element_names():
    found = problems(
        "connect",
        {
            "credential": 1,
            "method": "POST",
            "request_format": "xml",
            "request_mapping": [{"field": "order.1st", "value": ""}],
        },
    )

    assert found == {"request_mapping.0.field": "'1st' is not a valid XML element name."}
