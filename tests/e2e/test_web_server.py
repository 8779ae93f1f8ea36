"""The web process as `make run` starts it (uvicorn, decision 0047): its client address, and a bad WEB_SERVER."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from flows import live
from tests.factories import published_flow
from tests.support import processes

pytestmark = [pytest.mark.e2e]


def test_a_forwarded_for_header_does_not_buy_a_new_address_from_the_server(worker, child_env, transactional_db):
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told not to; then every request here could pick its own
    # address and the per-address start limit would never bite (decision 0008: only NUM_PROXIES trusts proxies).
    published_flow("greeting", slug="xff")
    # A day's window, so no window boundary falls between the three starts; emptied of the starts earlier tests made
    # from this address (the counters live in the session's Redis, whatever limit those tests' servers had).
    counted = live.client().keys("fb:throttle:chat_start_ip:127.0.0.1:*")
    if counted:
        live.client().delete(*counted)
    server = processes.Server({**child_env, "CHAT_START_RATE_PER_IP": "2/day"}).start()
    try:
        answers = [
            requests.post(
                f"{server.url}/api/v1/chat/xff/conversations/",
                json={},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                params={"wait": 0},
                timeout=30,
            )
            for i in range(3)
        ]
    finally:
        server.stop()
    # Started, not throttled: 202 with the turn pending, or 201 when the worker finished it before the view looked.
    assert [a.status_code in (201, 202) for a in answers[:2]] == [True, True], [a.text for a in answers]
    assert answers[2].status_code == 429, answers[2].text
    assert answers[2].json()["error"]["code"] == "throttled"


@pytest.mark.parametrize("command", [["-m", "config.web"], ["-m", "config.run"]], ids=["config.web", "make run"])
def test_an_unknown_web_server_is_refused_with_a_sentence_before_anything_starts(command, tmp_path):
    env = {**processes.child_env("sqlite:///" + str(tmp_path / "db.sqlite3"), "unused"), "WEB_SERVER": "nginx"}
    env["VAR_DIR"] = str(tmp_path / "var")
    done = subprocess.run(
        [sys.executable, *command], cwd=processes.ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    assert "WEB_SERVER must be one of uvicorn, daphne, not 'nginx'." in said, said
    made = [p.name for p in tmp_path.rglob("*")]
    assert not set(made) & {"db.sqlite3", "vault.key", "redis.sock"}, f"nothing is made or started: {made}"
