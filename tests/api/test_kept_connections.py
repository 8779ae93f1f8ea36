"""SQLite connections are kept by the thread that opened them; PostgreSQL's go back to the pool (decision 0049)."""

from __future__ import annotations

import pytest
from django.db import connection

from flows import actions, live
from tests.factories import published_flow
from tests.support.processes import fresh_json

from .test_turn_cost import ECHO, quiet_queue  # noqa: F401  (quiet_queue: a fixture)


def _database(**env: str) -> dict:
    """CONN_MAX_AGE and whether a pool is set, as config/settings.py gives them for this environment."""
    code = (
        "import json; from config import settings as s; d = s.DATABASES['default'];"
        " print(json.dumps({'age': d['CONN_MAX_AGE'], 'pool': bool(d.get('OPTIONS', {}).get('pool'))}))"
    )
    return fresh_json(code, drop=("DB_CONN_MAX_AGE", "DATABASE_URL"), **env)


def test_sqlite_keeps_a_connection_unless_told_not_to_and_postgresql_pools():
    assert _database(DATABASE_URL="sqlite:///unused.sqlite3") == {"age": 60, "pool": False}
    assert _database(DATABASE_URL="sqlite:///unused.sqlite3", DB_CONN_MAX_AGE="0") == {"age": 0, "pool": False}
    assert _database(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", DB_CONN_MAX_AGE="600") == {
        "age": 0,
        "pool": True,
    }


@pytest.mark.django_db(transaction=True)
def test_a_waiting_turn_keeps_its_sqlite_connection_and_hands_a_pooled_one_back(client, quiet_queue, monkeypatch):  # noqa: F811
    flow = published_flow(ECHO)
    conversation, token, _run = actions.start_conversation(flow)
    url = f"/api/v1/chat/conversations/{conversation.pk}/messages/?wait=0.05"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    held_while_waiting = []
    wait_reply = live.wait_reply

    def watched_wait(run_id, timeout_s):
        held_while_waiting.append(connection.connection)  # the object itself, so a new one cannot reuse its id
        return wait_reply(run_id, timeout_s)

    monkeypatch.setattr(live, "wait_reply", watched_wait)
    for i in range(3):
        response = client.post(url, {"text": f"hi {i}"}, content_type="application/json", **headers)
        assert response.status_code == 202, response.content  # nobody runs the turn here
    if connection.vendor == "sqlite":
        first = held_while_waiting[0]
        assert first is not None and all(c is first for c in held_while_waiting)  # one connection for the three
    else:
        assert held_while_waiting == [None, None, None]  # back in the pool while the request waits
