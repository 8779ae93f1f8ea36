"""Test session: a real Redis (the machine's via REDIS_URL, else the bundled one), test node types, and on demand
a real Celery worker and a real uvicorn server on the test database."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.conf import settings

from tests.support import processes

CI = os.environ.get("CI", "").lower() == "true"
QUEUE = f"flows-test-{uuid.uuid4().hex[:8]}"
_redis_proc = None


def pytest_configure(config):
    global _redis_proc
    if CI and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise pytest.UsageError("CI=true needs DATABASE_URL and REDIS_URL: nothing may fall back or skip in CI")
    if "REDIS_URL" not in os.environ:
        from config import embedded_redis

        _redis_proc = embedded_redis.start(settings.REDIS_URL, settings.VAR_DIR / "test-redis.log")
        os.environ["REDIS_URL"] = settings.REDIS_URL  # the worker and server this session starts use it too
    if "VAULT_KEYS" not in os.environ:
        # One vault key for the session, shared with the worker and server it starts (they inherit the environment).
        from cryptography.fernet import Fernet

        os.environ["VAULT_KEYS"] = Fernet.generate_key().decode()
        settings.VAULT_KEYS = [os.environ["VAULT_KEYS"]]
    # Tests call local peers on 127.0.0.1 hundreds of times; the per-host bucket is tested on its own (rate tests).
    os.environ.setdefault("HTTP_HOST_RATE", "100000/s")
    settings.HTTP_HOST_RATE = os.environ["HTTP_HOST_RATE"]
    # A queue of this session's own, so a shared Redis never hands our turns to another worker.
    from config.celery import app

    app.conf.task_default_queue = QUEUE
    settings.CELERY_TASK_DEFAULT_QUEUE = QUEUE


def pytest_unconfigure(config):
    if _redis_proc is not None:
        from config.redis_url import socket_path

        _redis_proc.terminate()
        _redis_proc.wait(10)
        path = socket_path(settings.REDIS_URL)
        if path and os.path.exists(path):
            os.unlink(path)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failed one: every service is there, so nothing has a reason to skip."""
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true: {report.longrepr}"


@pytest.fixture(autouse=True)
def fresh_credential_buckets():
    """Each test's credentials start with full rate-limit buckets.

    Buckets are keyed by credential id, and ids come round again after a rolled-back test (SQLite reuses them), so
    a test could otherwise inherit the tokens an earlier test spent and see waits it never caused.
    """
    import redis as redis_errors

    from integrations.http import ratelimit, redis

    try:
        stale = list(redis.client().scan_iter(f"{ratelimit.KEY_PREFIX}credential:*", count=1000))
        if stale:
            redis.client().delete(*stale)
    except redis_errors.RedisError:
        pass  # a test that stops Redis on purpose; it has no buckets to inherit
    yield


@pytest.fixture(autouse=True, scope="session")
def flush_outlives_deadlocks():
    """A transactional test's closing flush is tried again when PostgreSQL picks it as a deadlock's victim.

    Live workers and their schedulers keep reading between tests; a TRUNCATE of every table that meets one of their
    transactions mid-way can deadlock with it (CI saw this right after a test restarted the session's worker), and
    PostgreSQL's advice for a deadlock victim is to run it again.
    """
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        for attempt in range(1, 6):
            try:
                return original(self)
            except Exception as exc:
                if attempt == 5 or "deadlock detected" not in f"{exc} {exc.__cause__}":
                    raise
                time.sleep(0.2 * attempt)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", teardown)
        yield


@pytest.fixture(autouse=True, scope="session")
def test_node_types():
    """The test-only node types, registered in this process as in the worker the tests start."""
    from nodes.registry import registry

    extra = processes.TEST_NODE_TYPES.split(",")
    settings.NODE_TYPES = [*settings.NODE_TYPES, *[p for p in extra if p not in settings.NODE_TYPES]]
    registry.cache_clear()
    yield
    registry.cache_clear()


@pytest.fixture(scope="session")
def child_env(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        db_url = processes.database_url(connection.settings_dict)
    return processes.child_env(
        db_url,
        QUEUE,
        CELERY_VISIBILITY_TIMEOUT="4",
        TURN_LOCK_TTL_S="3",
        CHAT_RATE_PER_IP="100000/min",
        CHAT_RATE_PER_CONVERSATION="100000/min",
        CHAT_START_RATE_PER_IP="100000/min",
        WORKER_HEARTBEAT_S="1",
        STALE_RUN_S="2",
        # Integration nodes in live tests talk to local peers on loopback, which the SSRF guard refuses by default.
        SSRF_ALLOW="127.0.0.1",
        WEBHOOK_HOSTS_EXTRA="127.0.0.1",
    )


@pytest.fixture(scope="session")
def worker(child_env):
    w = processes.Worker(child_env, name=f"w-{uuid.uuid4().hex[:6]}").start()
    yield w
    w.stop()


@pytest.fixture(scope="session")
def server(child_env):
    s = processes.Server(child_env).start()
    yield s
    s.stop()


@pytest.fixture
def live(server, worker, transactional_db):
    """The app as in production: uvicorn + a Celery worker + Redis, on a committed test database."""
    return server


@pytest.fixture
def admin_client(client, db):
    """A logged-in superuser, without pytest-django's password (hashing one costs over a second here)."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client
