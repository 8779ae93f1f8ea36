"""The closing flush of a live test outlives a deadlock with a worker's transaction (CI saw one after a restart)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.test import TransactionTestCase

from flows.models import Flow
from tests.factories import published_flow

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite locks whole files")


def truncated_tables() -> list[str]:
    """The tables the flush truncates, in the order its TRUNCATE locks them."""
    (sql,) = connection.ops.sql_flush(no_style(), connection.introspection.django_table_names(only_existing=True))
    return [name.strip('" ') for name in sql.removeprefix("TRUNCATE ").rstrip(";").split(",")]


def waits_for_exclusive(watcher, table: str) -> bool:
    row = watcher.execute(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock' AND relation = %s::regclass",
        [table],
    ).fetchone()
    return row[0] > 0


def test_a_flush_picked_as_a_deadlocks_victim_is_run_again_and_empties_the_database(transactional_db):
    published_flow("greeting", slug="before-flush")
    first, second = truncated_tables()[:2]
    params = connection.get_connection_params()
    worker_like = connection.get_new_connection(params)  # a worker's transaction, as the scheduler holds one
    worker_like.autocommit = False
    watcher = connection.get_new_connection(params)
    watcher.autocommit = True
    outcome: dict[str, object] = {}

    def reader() -> None:
        try:
            deadline = time.monotonic() + 30
            while not waits_for_exclusive(watcher, second):  # the flush holds `first` and waits for `second`
                assert time.monotonic() < deadline, "the flush never waited for the reader's table"
                time.sleep(0.01)
            worker_like.execute(f'SELECT 1 FROM "{first}" LIMIT 1')  # now each waits for the other
            outcome["reader"] = "went on"  # PostgreSQL chose the flush as the victim: it waited first
            worker_like.commit()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            outcome["reader"] = exc
            worker_like.rollback()

    worker_like.execute(f'SELECT 1 FROM "{second}" LIMIT 1')  # holds `second` until it commits
    thread = threading.Thread(target=reader)
    thread.start()
    case = TransactionTestCase()
    case._fixture_teardown()  # the closing flush every transactional test runs
    thread.join(30)
    worker_like.close()
    watcher.close()

    assert outcome["reader"] == "went on", f"no deadlock was made, so nothing was proven: {outcome['reader']!r}"
    assert not Flow.objects.exists(), "the flush ran again after the deadlock and emptied the database"
