"""The conversation lease against a real Redis: renewed from a timer, taken back after Redis loses it, never stolen,
given up after TURN_MAX_S; and the stale-run sweep's rule for which conversations have no worker."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid

import pytest

from flows import heartbeat, live
from flows.locks import ConversationLock, lock_key


@pytest.fixture
def conversation_id() -> str:
    cid = str(uuid.uuid4())
    yield cid
    live.client().delete(lock_key(cid), heartbeat._MISSING_KEY + cid)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.02)


def test_a_held_lease_outlives_its_ttl_many_times_over_and_is_gone_when_released(conversation_id, settings):
    lock = ConversationLock(conversation_id, ttl_s=0.3)
    assert lock.acquire()
    client = live.client()
    with lock.held(max_s=60):
        started = time.monotonic()
        renewals = 0
        last = client.pttl(lock.key)
        while time.monotonic() - started < 3.0:  # 10 TTLs with no step boundary in between
            ttl = client.pttl(lock.key)
            assert ttl > 0 and client.get(lock.key) == lock.token.encode(), "the lease lapsed while held"
            renewals += ttl > last
            last = ttl
            time.sleep(0.03)
        assert renewals >= 5
    lock.release()
    assert not client.exists(lock.key)
    time.sleep(0.5)  # five renewal intervals: a renewal landing after the release would take the key back
    assert not client.exists(lock.key), "renewed after it was released"


def test_many_leases_held_at_once_are_all_renewed_by_one_thread():
    client = live.client()
    locks = [ConversationLock(str(uuid.uuid4()), ttl_s=0.3) for _ in range(12)]
    lapsed: list[str] = []
    started = threading.Barrier(len(locks) + 1)
    done = threading.Event()

    def turn(lock: ConversationLock) -> None:
        assert lock.acquire()
        with lock.held(max_s=60):
            started.wait()
            while not done.is_set():
                if client.get(lock.key) != lock.token.encode():
                    lapsed.append(lock.key)
                time.sleep(0.03)
        lock.release()

    threads = [threading.Thread(target=turn, args=(lock,)) for lock in locks]
    for thread in threads:
        thread.start()
    try:
        started.wait()
        time.sleep(1.5)  # five TTLs
        renewers = [t for t in threading.enumerate() if t.name == "lease renewer"]
        assert len(renewers) == 1, [t.name for t in threading.enumerate()]
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert lapsed == []
    assert not any(client.exists(lock.key) for lock in locks)


def _hold_in_child(conversation_id: str, result) -> None:
    lock = ConversationLock(conversation_id, ttl_s=0.3)
    assert lock.acquire()
    with lock.held(max_s=60):
        time.sleep(1.2)
        result.put(live.client().get(lock.key) == lock.token.encode())
    lock.release()


def test_a_forked_worker_renews_its_own_leases(conversation_id):
    # The prefork pool forks after the parent may have renewed leases: the child has no renewer thread of its own.
    with ConversationLock(str(uuid.uuid4()), ttl_s=5).held(max_s=60):
        pass  # the parent's renewer thread exists now
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_hold_in_child, args=(conversation_id, result))
    child.start()
    held_for_four_ttls = result.get(timeout=10)
    child.join(timeout=10)
    assert child.exitcode == 0 and held_for_four_ttls


def test_a_lease_lost_with_redis_is_taken_back_by_its_holder_but_never_taken_from_another(conversation_id):
    client = live.client()
    mine = ConversationLock(conversation_id, ttl_s=0.6)
    assert mine.acquire()
    with mine.held(max_s=60):
        client.delete(mine.key)  # as a Redis that restarted empty
        wait_until(lambda: client.get(mine.key) == mine.token.encode())
    mine.release()

    other = ConversationLock(conversation_id, ttl_s=5)
    assert other.acquire()
    assert not mine.extend(), "a lapsed holder took the lease from the worker holding it now"
    assert client.get(mine.key) == other.token.encode()
    other.release()


def test_a_turn_running_longer_than_turn_max_s_lets_its_lease_lapse(conversation_id):
    client = live.client()
    lock = ConversationLock(conversation_id, ttl_s=0.3)
    assert lock.acquire()
    with lock.held(max_s=0.5):
        wait_until(lambda: not client.exists(lock.key), timeout=5)
        # Lapsed for good: the timer stopped renewing it, so another worker can take the turn over.
        assert ConversationLock(conversation_id).acquire()


def test_the_sweep_takes_over_only_conversations_whose_lease_stays_missing_for_a_ttl(conversation_id, settings):
    settings.TURN_LOCK_TTL_S = 0.5
    held = str(uuid.uuid4())
    lock = ConversationLock(held, ttl_s=5)
    assert lock.acquire()
    try:
        first_seen = time.monotonic()
        assert heartbeat._without_worker([conversation_id, held]) == []  # missing just now: not yet
        while not (due := heartbeat._without_worker([conversation_id, held])):
            assert time.monotonic() - first_seen < 10, "a conversation with no lease was never taken over"
            time.sleep(0.02)
        assert due == [conversation_id]
        assert time.monotonic() - first_seen >= settings.TURN_LOCK_TTL_S - 0.02, "taken over before a whole TTL"
        # Sent: if it is still missing, it waits another TTL before it is sent again.
        assert heartbeat._without_worker([conversation_id]) == []
    finally:
        lock.release()
        live.client().delete(heartbeat._MISSING_KEY + held)


def test_a_lease_seen_again_resets_the_sweeps_count(conversation_id, settings):
    settings.TURN_LOCK_TTL_S = 0.3
    first_seen = time.monotonic()
    assert heartbeat._without_worker([conversation_id]) == []
    wait_until(lambda: time.monotonic() - first_seen > 2 * settings.TURN_LOCK_TTL_S)
    lock = ConversationLock(conversation_id, ttl_s=5)
    assert lock.acquire()  # its worker took the lease back (say, after a Redis restart)
    assert heartbeat._without_worker([conversation_id]) == []
    lock.release()
    assert heartbeat._without_worker([conversation_id]) == [], "a sighting from before the lease came back counted"
