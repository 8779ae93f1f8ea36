"""A turn's few steps go to PostgreSQL as plain rows (VALUES), a large batch as arrays (UNNEST): config/postgresql."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flows import actions
from flows.models import Step
from tests.factories import published_flow

from .test_turn_cost import ECHO, quiet_queue  # noqa: F401  (quiet_queue: a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _steps(run, count: int, first: int = 0) -> list[Step]:
    return [
        Step(
            run_id=run.pk,
            seq=first + i,
            node_id=f"n{i}",
            node_type="message",
            status="ok",
            started_at=datetime.now(UTC),
            duration_ms=0.5,
            input={"text": f"hello {i}", "list": [1, 2]},
            output={"messages": [f"You said: {i}"]},
            error="",
            handle="next",
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(("count", "unnest"), [(3, False), (60, True)])
def test_bulk_inserts_store_every_row_whichever_way_they_go(quiet_queue, count, unnest):  # noqa: F811
    _conversation, _token, run = actions.start_conversation(published_flow(ECHO))
    with CaptureQueriesContext(connection) as queries:
        Step.objects.bulk_create(_steps(run, count, first=100))
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "flows_step"')]
    assert len(inserts) == 1
    if connection.vendor == "postgresql":
        assert ("UNNEST(" in inserts[0]) is unnest
    stored = Step.objects.filter(run=run, seq__gte=100).order_by("seq")
    assert [s.input["text"] for s in stored] == [f"hello {i}" for i in range(count)]
    assert stored[count - 1].output == {"messages": [f"You said: {count - 1}"]} and stored[0].input["list"] == [1, 2]
