"""/healthz against the real database, Redis and worker; and what it says when Redis is gone."""

import socket

import pytest
import redis
import requests

from flows import live as live_redis

pytestmark = [pytest.mark.e2e]


def test_healthz_reports_database_redis_and_worker(live, worker):
    body = requests.get(f"{live.url}/healthz", timeout=10)
    assert body.status_code == 200, body.text
    report = body.json()
    assert report["ok"] is True and report["down"] == []
    assert report["database"]["ok"] and report["redis"]["ok"]
    assert any(name.startswith(worker.name) for name in report["worker"]["workers"])
    # The worker's timer scheduler reports too, with what it has pending.
    assert report["scheduler"]["ok"] is True
    assert any(name.startswith(worker.name) for name in report["scheduler"]["schedulers"])
    assert report["scheduler"]["pending_timers"] >= 0


def test_healthz_is_503_when_redis_does_not_answer(client, db, monkeypatch):
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    monkeypatch.setattr(live_redis, "client", lambda: dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False and report["database"]["ok"] is True
    assert report["redis"]["ok"] is False and "Connection" in report["redis"]["error"]
    assert report["worker"] == {"ok": False, "error": "redis is down"}
    assert report["down"] == ["redis", "worker", "scheduler"], report
    assert report["message"] == "Unavailable: redis, worker, scheduler."
    assert response["Retry-After"]
    assert report["scheduler"] == {"ok": False, "error": "redis is down"}
