"""Token buckets in the real Redis: calls over the limit are spaced as the bucket says, or refused past the bound."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from integrations.errors import RateLimited
from integrations.http import GuardedClient, ratelimit, redis

from .conftest import Arrivals, url


@pytest.fixture
def bucket():
    """A bucket key of this test's own, so parallel sessions on a shared Redis never meet."""
    key = f"credential:test-{uuid.uuid4().hex[:10]}"
    yield key
    redis.client().delete(ratelimit.KEY_PREFIX + key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5/s", (5.0, 5.0)), ("100/m", (100 / 60, 100.0)), ("1000/h", (1000 / 3600, 1000.0)), ("10 / 2s", (5.0, 10.0))],
)
def test_parse_rate(text, expected):
    assert ratelimit.parse_rate(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "fast", "10", "0/s", "10/fortnight", "-1/s"])
def test_parse_rate_refuses_nonsense(text):
    with pytest.raises(ValueError, match="is not a rate|at least one request"):
        ratelimit.parse_rate(text)


def _assert_spaced(times: list[float], started: float, waits: list[float]) -> None:
    """Five at once, then one each 0.2 s: checked in ways a busy machine cannot break.

    Load only ever delays a call, so no call may reach the server before its token was due (a lower bound on
    arrivals, counted from before the first call), and no caller may be told to wait longer than its place in the
    line needs (an upper bound on the limiter's own waits: a caller that comes late is owed less, never more).
    """
    times, waits = sorted(times), sorted(waits)
    assert waits[:5] == [0.0] * 5, waits  # the burst of 5 goes at once
    for k in range(5, len(times)):
        assert times[k] - started >= 0.2 * (k - 4) - 0.01, (k, [round(t - started, 3) for t in times])
        assert waits[k] <= 200 * (k - 4) + 10, waits


def test_calls_over_the_burst_are_spaced_by_the_rate(server, loopback_client, bucket):
    arrivals = Arrivals()
    server.expect_request("/r").respond_with_handler(arrivals)
    started = time.monotonic()
    for _ in range(10):
        assert loopback_client.request("GET", url(server, "/r"), rate_keys=[(bucket, "5/s")]).status == 200
    waits = [exchange.get("rate_wait_ms", 0.0) for exchange in loopback_client.exchanges]
    _assert_spaced(arrivals.times, started, waits)
    assert all(wait <= 210 for wait in waits), waits  # one after another: each waits one interval at most


def test_concurrent_callers_share_one_bucket(server, bucket):
    arrivals = Arrivals()
    server.expect_request("/c").respond_with_handler(arrivals)
    clients = [GuardedClient(allow=["127.0.0.1"]) for _ in range(8)]

    def call(client: GuardedClient) -> None:
        client.request("GET", url(server, "/c"), rate_keys=[(bucket, "5/s")])

    threads = [threading.Thread(target=call, args=(client,)) for client in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(arrivals.times) == 8
    _assert_spaced(arrivals.times, started, [client.exchanges[0].get("rate_wait_ms", 0.0) for client in clients])


def test_a_call_that_would_wait_too_long_is_refused_and_takes_no_slot(server, loopback_client, bucket, settings):
    settings.HTTP_RATE_MAX_WAIT_S = 1.0
    server.expect_request("/slow-api").respond_with_data("ok")
    for _ in range(2):
        loopback_client.request("GET", url(server, "/slow-api"), rate_keys=[(bucket, "2/m")])
    for _ in range(2):  # a refused call reserves nothing: the next one is told the same wait, not a longer one
        with pytest.raises(RateLimited) as caught:
            loopback_client.request("GET", url(server, "/slow-api"), rate_keys=[(bucket, "2/m")])
        assert str(caught.value).startswith(f"Rate limit 2/m for credential {bucket.partition(':')[2]} reached: ")
        assert "would have to wait 29.9 s" in str(caught.value) or "would have to wait 30.0 s" in str(caught.value)
        assert str(caught.value).endswith("longer than the 1 s allowed. Try again later.")
    assert len(server.log) == 2
    assert loopback_client.exchanges[-1]["error"] == str(caught.value)


def test_the_host_bucket_always_applies(server2, settings):
    settings.HTTP_HOST_RATE = "2/m"
    settings.HTTP_RATE_MAX_WAIT_S = 0.5
    redis.client().delete(ratelimit.KEY_PREFIX + "host:127.0.0.2")
    server2.expect_request("/").respond_with_data("ok")
    client = GuardedClient(allow=["127.0.0.2"])
    try:
        client.request("GET", url(server2))
        client.request("GET", url(server2))
        with pytest.raises(RateLimited, match=r"^Rate limit 2/m for host 127\.0\.0\.2 reached"):
            client.request("GET", url(server2))
    finally:
        redis.client().delete(ratelimit.KEY_PREFIX + "host:127.0.0.2")
    assert len(server2.log) == 2


def test_acquire_reports_the_wait(bucket):
    started = time.monotonic()
    assert ratelimit.acquire(bucket, "4/s", max_wait_s=5) == 0
    for _ in range(3):
        ratelimit.acquire(bucket, "4/s", max_wait_s=5)
    late_by = time.monotonic() - started  # a busy machine makes the fifth call late; the token is then nearer
    waited = ratelimit.acquire(bucket, "4/s", max_wait_s=5)
    assert 0.25 - late_by - 0.01 <= waited <= 0.26
