"""A conversation's stored messages as the engine hands them to nodes (ctx.history): the last n turns, oldest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from nodes.base import Said

from .models import Message, Run

MAX_MESSAGES = 500  # a turn with hundreds of bot messages still loads a bounded history


def loader(conversation_id: Any, run: Run | None = None) -> Callable[[int], list[Said]]:
    """What a run may see: messages up to its own inbound one; never a user message still waiting for its turn."""
    visible = Q(conversation_id=conversation_id)
    if run is not None and run.inbound_id is not None:
        visible &= Q(pk__lte=run.inbound_id)
    else:
        visible &= ~Q(direction=Message.Direction.IN, triggered__status=Run.Status.QUEUED)

    def load(turns: int) -> list[Said]:
        if turns <= 0:
            return []
        starts = (
            Message.objects.filter(visible, direction=Message.Direction.IN)
            .order_by("-pk")
            .values_list("pk", flat=True)[turns - 1 : turns]
        )
        start = next(iter(starts), None)
        since = Q(pk__gte=start) if start is not None else Q()  # fewer turns than asked: from the first message
        rows = Message.objects.filter(visible, since).order_by("-pk").values_list("direction", "text")[:MAX_MESSAGES]
        return [
            Said("user" if direction == Message.Direction.IN else "bot", text)
            for direction, text in reversed(rows)
            if text
        ]

    return load
