"""A secret that an API reflects in its answer is redacted before the answer becomes a variable, so no template can
reshape it (`| reverse`, slicing, `join`) into a form the exact-match redactor would miss."""

import pytest
from werkzeug import Response

from .support import credential, run

pytestmark = pytest.mark.django_db

TOKEN = "reflected-token-5521"


def test_a_reflected_token_never_reaches_a_variable(svc, server):
    def echo(request):
        return Response(f'{{"auth": "{request.headers["Authorization"]}", "id": 7}}', content_type="application/json")

    server.expect_request("/api/me").respond_with_handler(echo)
    api = credential("Echo API", "api_connection", {"base_url": server.url_for("/api"), "auth_type": "bearer"},
                     {"token": TOKEN})  # fmt: skip
    data = {"credential": api.pk, "url": "/me", "save_as": "reply", "retry": {"attempts": 1, "backoff_s": 0},
            "mapping": [{"variable": "auth", "path": "auth"}]}  # fmt: skip

    turn = run("rest_api", data, svc)

    assert turn.handle == "success", turn.error
    assert server.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"  # the token did go to the API
    assert turn.variables["reply"]["body"] == {"auth": "Bearer [redacted]", "id": 7}
    assert turn.variables["auth"] == "Bearer [redacted]"
    assert TOKEN not in repr(turn.variables) and TOKEN[::-1] not in repr(turn.variables)
