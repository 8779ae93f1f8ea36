"""The turn's queries compiled once (flows/sqlcache.py) give what Django's own querysets give, on either database."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import transaction
from django.db.models import F

from flows import actions
from flows.models import Conversation, Message, Run
from flows.sqlcache import CompiledQuery
from flows.tasks import _next_queued
from tests.factories import published_flow

from .test_turn_cost import ECHO, quiet_queue  # noqa: F401  (quiet_queue: a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = ("id", "status", "flow_id", "version_id", "inbound_id", "trigger", "conversation_id")


def _queued_by_django(conversation_id) -> list[Run]:
    return list(
        Run.objects.filter(conversation_id=conversation_id, status=Run.Status.QUEUED)
        .select_related("conversation__version", "inbound")
        .defer("conversation__version__graph")
        .order_by(F("inbound_id").asc(nulls_first=True))[:2]
    )


@pytest.fixture
def conversation(quiet_queue):  # noqa: F811
    flow = published_flow(ECHO)
    conversation, _token, _run = actions.start_conversation(flow)
    return conversation


def test_the_queued_runs_come_back_as_djangos_queryset_gives_them(conversation):
    actions.post_message(conversation, "one", "m-1")  # the start's run (no inbound) and this one are queued
    actions.post_message(conversation, "two", "m-2")

    ours, django = _next_queued(str(conversation.pk)), _queued_by_django(conversation.pk)

    assert [r.pk for r in ours] == [r.pk for r in django] and len(ours) == 2
    for mine, theirs in zip(ours, django, strict=True):
        assert {f: getattr(mine, f, None) for f in FIELDS} == {f: getattr(theirs, f, None) for f in FIELDS}
        # The related objects are loaded with the row (no query on access), typed as Django types them.
        assert mine.conversation.variables == theirs.conversation.variables
        assert mine.conversation.version.number == theirs.conversation.version.number
        assert isinstance(mine.conversation.pk, uuid.UUID)
        assert mine.conversation.version.get_deferred_fields() == {"graph"}
        assert (mine.inbound.text if mine.inbound else None) == (theirs.inbound.text if theirs.inbound else None)
    assert ours[0].inbound is None and ours[1].inbound.text == "one"


def test_related_objects_need_no_further_query(conversation, django_assert_num_queries):
    actions.post_message(conversation, "hi", "m-1")
    with django_assert_num_queries(1):
        runs = _next_queued(str(conversation.pk))
        assert runs[1].inbound.text == "hi" and runs[1].conversation.status == Conversation.Status.ACTIVE
        assert runs[1].conversation.version.flow_id == conversation.flow_id


def test_no_row_and_a_repeated_client_message_id(conversation):
    assert _next_queued(str(uuid.uuid4())) == []
    first, created = actions.post_message(conversation, "hello", "same-id")
    again, created_again = actions.post_message(conversation, "hello", "same-id")
    assert created and not created_again and again.pk == first.pk
    assert Message.objects.filter(conversation=conversation, client_message_id="same-id").count() == 1


def test_sql_is_compiled_once_per_thread_not_per_call(conversation):
    query = CompiledQuery(
        lambda pk: Conversation.objects.only("token_hash").filter(pk=pk)[:1], Conversation._meta.get_field("id")
    )
    for _ in range(5):
        assert query.get(conversation.pk).token_hash == conversation.token_hash
    assert query.compilations == 1

    seen = []
    thread = threading.Thread(target=lambda: seen.append(query.get(conversation.pk).pk))
    thread.start()
    thread.join()
    assert seen == [conversation.pk] and query.compilations == 2  # the other thread compiled its own

    with pytest.raises(Conversation.DoesNotExist):
        query.get(uuid.uuid4())


def test_a_none_value_runs_the_queryset_as_django_builds_it(conversation):
    by_text = CompiledQuery(
        lambda conversation_id, cmid: Message.objects.filter(conversation_id=conversation_id, client_message_id=cmid),
        Message._meta.get_field("conversation"),
        Message._meta.get_field("client_message_id"),
    )
    actions.post_message(conversation, "hello", "m-1")
    assert [m.text for m in by_text(conversation.pk, "m-1")] == ["hello"]
    assert by_text(conversation.pk, None) == []  # IS NULL, not "= NULL": no inbound message lacks an id here
    assert by_text.compilations == 1


def test_the_locked_read_is_still_a_lock(conversation):
    with transaction.atomic():
        locked = actions._LOCKED.get(conversation.pk)
        assert locked.pk == conversation.pk and locked.status == Conversation.Status.ACTIVE
    sql = actions._LOCKED._plan().sql
    from django.db import connection

    assert ("FOR UPDATE" in sql) == connection.features.has_select_for_update


def test_shapes_it_cannot_hold_are_refused_when_compiled():
    from django.db.models import Count

    annotated = CompiledQuery(
        lambda pk: Conversation.objects.annotate(n=Count("messages")).filter(pk=pk), Conversation._meta.get_field("id")
    )
    with pytest.raises(ValueError, match="annotations"):
        annotated(uuid.uuid4())
    unused = CompiledQuery(lambda pk: Conversation.objects.all(), Conversation._meta.get_field("id"))
    with pytest.raises(ValueError, match="not every value"):
        unused(uuid.uuid4())
