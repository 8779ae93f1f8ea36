"""Chat API throttles: fixed-window counters in Redis, every scope of a request counted in one round trip.

DRF's cache throttles cost a get and a set per scope through Django's cache; a chat turn is the hot path.
"""

from __future__ import annotations

import time

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from flows import live


def _parse(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1]]


class ChatThrottle(BaseThrottle):
    """Counts the request in each scope `scopes()` names; refuses it when any scope is over its rate."""

    def __init__(self) -> None:
        self.wait_s: float | None = None

    def scopes(self, request, view) -> list[tuple[str, str]]:
        ip = self.get_ident(request)
        scopes = [(getattr(view, "ip_scope", "chat_ip"), ip)]
        conversation_id = view.kwargs.get("conversation_id")
        if conversation_id is not None and request.method == "POST":
            scopes.append(("chat_conversation", str(conversation_id)))
        return scopes

    def allow_request(self, request, view) -> bool:
        now = time.time()
        rates = api_settings.DEFAULT_THROTTLE_RATES
        checks = []
        pipe = live.client().pipeline(transaction=False)
        for scope, ident in self.scopes(request, view):
            limit, period = _parse(rates[scope])
            key = f"fb:throttle:{scope}:{ident}:{int(now // period)}"
            pipe.incr(key)
            pipe.expire(key, period + 1)
            checks.append((limit, period))
        counts = pipe.execute()[::2]
        over = [period - now % period for (limit, period), count in zip(checks, counts, strict=True) if count > limit]
        if over:
            self.wait_s = max(over)
            return False
        return True

    def wait(self) -> float | None:
        return self.wait_s
