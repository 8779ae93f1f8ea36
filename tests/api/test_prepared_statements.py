"""PostgreSQL prepares the turn's repeated queries once per connection (decision 0048); a setting turns it off."""

from __future__ import annotations

import pytest
from django.db import connection

from flows import actions
from flows.api.chat import _TOKEN_CHECK
from tests.factories import published_flow
from tests.support.processes import fresh_json

from .test_turn_cost import ECHO, quiet_queue  # noqa: F401  (quiet_queue: a fixture)


def _database_options(**env: str) -> dict:
    """The DATABASES options config/settings.py gives for this environment, read by a fresh interpreter."""
    code = "import json; from config import settings as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    return fresh_json(code, drop=("DB_PREPARED_STATEMENTS", "DATABASE_URL"), **env)


def test_postgresql_binds_on_the_server_and_prepares_unless_told_not_to():
    url = "postgres://postgres@127.0.0.1:5432/test"
    on = _database_options(DATABASE_URL=url)
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = _database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    embedded = _database_options(DATABASE_URL="sqlite:///unused.sqlite3")  # SQLite has no such thing
    assert "server_side_binding" not in embedded


@pytest.mark.django_db(transaction=True)
def test_the_token_check_runs_as_a_prepared_statement_on_postgresql(quiet_queue):  # noqa: F811
    flow = published_flow(ECHO)
    conversation, _token, _run = actions.start_conversation(flow)
    for _ in range(7):  # prepared from the sixth run on this connection
        assert _TOKEN_CHECK.get(conversation.pk).token_hash == conversation.token_hash
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"token_hash"' in sql and "$1" in sql for sql in prepared), prepared
