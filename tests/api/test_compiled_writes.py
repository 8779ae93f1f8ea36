"""A turn's writes with SQL built once (flows/sqlcache.py: CompiledInsert, CompiledUpdate) store what Django's
bulk_create and update store, on either database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Model

from flows import actions
from flows.models import Conversation, Message, Run, Step
from flows.sqlcache import CompiledInsert, CompiledUpdate
from tests.factories import UserFactory, published_flow

from .test_turn_cost import ECHO, quiet_queue  # noqa: F401  (quiet_queue: a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(quiet_queue):  # noqa: F811
    flow = published_flow(ECHO)
    conversation, _token, _run = actions.start_conversation(flow)
    return conversation


def _stored(model: type[Model], pks: list, skip: tuple[str, ...] = ()) -> list[dict]:
    rows = {row["pk"]: row for row in model._default_manager.filter(pk__in=pks).values("pk", *_columns(model))}
    return [{k: v for k, v in rows[pk].items() if k not in ("pk", "id", *skip)} for pk in pks]


def _columns(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _messages(conversation: Conversation, tag: str) -> list[Message]:
    return [
        Message(conversation=conversation, direction=Message.Direction.OUT, text=f"{tag} one", choices=None),
        Message(
            conversation=conversation,
            direction=Message.Direction.OUT,
            text=f"{tag} «deux» 'quoted' \"double\" %s %(x)s",
            choices=[{"label": "Yes", "value": "y"}, {"label": "No ✓", "value": None}],
            payload={"media": [], "nested": {"n": 1.5, "t": True}},
        ),
        Message(conversation=conversation, direction=Message.Direction.IN, text="", client_message_id=f"{tag}-cmid"),
    ]


def test_inserted_messages_are_stored_as_bulk_create_stores_them(conversation):
    ours = CompiledInsert(Message)(_messages(conversation, "x"))
    theirs = Message.objects.bulk_create(_messages(conversation, "y"))

    # Keys set from the database, in row order, and the objects known as saved, as bulk_create leaves them.
    assert all(isinstance(m.pk, int) for m in ours) and len({m.pk for m in ours}) == 3
    assert [m.text for m in Message.objects.filter(pk__in=[m.pk for m in ours]).order_by("pk")] == [
        m.text for m in ours
    ]
    assert all(not m._state.adding and m._state.db == "default" for m in ours)
    mine, django = _stored(Message, [m.pk for m in ours], ("created_at",)), _stored(Message, [m.pk for m in theirs])
    assert mine == [
        {k: v.replace("y", "x") if isinstance(v, str) else v for k, v in row.items() if k != "created_at"}
        for row in django
    ]
    assert mine[1]["choices"][1] == {"label": "No ✓", "value": None} and mine[0]["choices"] is None
    # auto_now_add set on the objects and stored, as Django's insert does.
    assert all(m.created_at is not None for m in ours)
    assert Message.objects.get(pk=ours[0].pk).created_at == ours[0].created_at


def test_steps_with_json_and_times_are_stored_as_bulk_create_stores_them(conversation):
    first = Run.objects.filter(conversation=conversation).first()
    other = Run.objects.create(conversation=conversation, flow_id=conversation.flow_id, trigger="message")

    def steps(run: Run) -> list[Step]:
        at = datetime(2026, 12, 7, 15, 0, 0, 123456, tzinfo=UTC)
        return [
            Step(
                run=run,
                seq=i,
                node_id=f"n{i}",
                node_type="message",
                status="ok",
                started_at=at,
                duration_ms=0.25 * i,
                input={"text": "hi", "list": [1, 2, {"x": None}]},
                output={} if i else {"out": "ünïcode"},
                error="",
                handle="next" if i else "",
            )
            for i in range(4)
        ]

    ours, theirs = CompiledInsert(Step)(steps(first)), Step.objects.bulk_create(steps(other))
    mine = _stored(Step, [s.pk for s in ours])
    assert mine == [{**row, "run_id": first.pk} for row in _stored(Step, [s.pk for s in theirs])]
    assert mine[1]["started_at"] == datetime(2026, 12, 7, 15, 0, 0, 123456, tzinfo=UTC)
    assert Step.objects.get(pk=ours[0].pk).output == {"out": "ünïcode"}


def test_a_key_chosen_by_the_model_is_sent_and_nothing_is_read_back(conversation):
    message = CompiledInsert(Message)([Message(conversation=conversation, direction="in", text="hi")])[0]
    (run,) = CompiledInsert(Run)(
        [Run(conversation=conversation, flow_id=conversation.flow_id, trigger="message", inbound=message)]
    )
    stored = Run.objects.get(pk=run.pk)
    assert isinstance(run.pk, uuid.UUID) and stored.inbound_id == message.pk and stored.status == Run.Status.QUEUED
    assert stored.queued_at == run.queued_at  # auto_now_add, set on the object


def test_an_unsaved_parent_is_refused_and_nothing_is_stored(conversation):
    unsaved = Message(conversation=conversation, direction="in", text="not saved")
    before = Run.objects.count()
    with pytest.raises(ValueError, match="unsaved related object"):
        CompiledInsert(Run)(
            [Run(conversation=conversation, flow_id=conversation.flow_id, trigger="message", inbound=unsaved)]
        )
    assert Run.objects.count() == before


def test_sql_is_built_once_per_row_count_and_a_large_batch_goes_through_django(conversation):
    insert = CompiledInsert(Message)
    for tag in "abc":
        insert(_messages(conversation, tag))
    insert(_messages(conversation, "d")[:1])
    assert len(insert._sql) == 2  # three rows, one row
    many = [Message(conversation=conversation, direction="out", text=f"m{i}") for i in range(60)]
    insert(many)
    assert len(insert._sql) == 2 and len({m.pk for m in many}) == 60
    assert Message.objects.filter(conversation=conversation, text__startswith="m").count() == 60
    assert insert([]) == []


def test_an_update_changes_what_django_s_update_changes(conversation):
    agent = UserFactory()
    save = CompiledUpdate(Conversation, "id")
    changed = save(
        (conversation.pk,),
        status=Conversation.Status.ACTIVE,
        waiting_node="ask",
        variables={"name": "Ada", "n": [1, {"deep": None}]},
        awaiting={"type": "text", "node_id": "ask"},
        held=[],
        handoff_agent=agent,  # a related object: its key
        handoff_requested_at=None,  # NULL as a parameter
    )
    assert changed == 1
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert fresh.waiting_node == "ask" and fresh.variables == {"name": "Ada", "n": [1, {"deep": None}]}
    assert fresh.awaiting == {"type": "text", "node_id": "ask"} and fresh.handoff_agent_id == agent.pk
    save((conversation.pk,), handoff_agent=None)
    assert Conversation.objects.get(pk=conversation.pk).handoff_agent_id is None
    assert save((uuid.uuid4(),), waiting_node="x") == 0


def test_the_claim_takes_a_queued_run_once(conversation):
    run = Run.objects.get(conversation=conversation)
    claim = CompiledUpdate(Run, "id", "status")
    now = datetime.now(UTC)
    fields = {"status": Run.Status.COMPLETED, "started_at": now, "finished_at": now, "duration_ms": 1.5, "error": ""}
    assert claim((run.pk, Run.Status.QUEUED), **fields) == 1
    assert claim((run.pk, Run.Status.QUEUED), **fields) == 0  # a redelivered copy finds it taken
    stored = Run.objects.get(pk=run.pk)
    assert stored.status == Run.Status.COMPLETED and stored.duration_ms == 1.5 and stored.finished_at == now


def test_bad_updates_are_refused_before_anything_is_sent(conversation, django_assert_num_queries):
    save = CompiledUpdate(Conversation, "id")
    with django_assert_num_queries(0):
        with pytest.raises(ValueError, match="none of them None"):
            save((None,), waiting_node="x")
        with pytest.raises(ValueError, match="at least one value"):
            save((conversation.pk,))
        with pytest.raises(ValueError, match="not expressions"):
            from django.db.models import F

            save((conversation.pk,), waiting_node=F("channel"))
    from django.core.exceptions import FieldDoesNotExist

    with pytest.raises(FieldDoesNotExist):
        save((conversation.pk,), no_such_field=1)
    with pytest.raises(ValueError, match="plain columns"):
        CompiledUpdate(Conversation, "messages")
    assert Conversation.objects.get(pk=conversation.pk).waiting_node == conversation.waiting_node
    assert connection.vendor in {"postgresql", "sqlite"}


def test_a_failed_insert_inside_a_transaction_leaves_it_to_roll_back(conversation):
    from django.db import IntegrityError, transaction

    insert = CompiledInsert(Message)
    insert([Message(conversation=conversation, direction="in", text="first", client_message_id="dup")])
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert([Message(conversation=conversation, direction="in", text="again", client_message_id="dup")])
        assert transaction.get_rollback()  # as after Django's own failed write: nothing of this block commits
    assert list(Message.objects.filter(client_message_id="dup").values_list("text", flat=True)) == ["first"]
