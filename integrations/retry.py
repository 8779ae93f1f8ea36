"""How often an outbound call is tried, and how long to wait between tries (a node's retry setting)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Retry:
    """attempts counts the first try; connection errors, timeouts, 5xx and 429 are retried."""

    attempts: int = 1
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter before try number attempt + 1."""
        return random.uniform(0, min(self.max_backoff_s, self.backoff_s * 2 ** (attempt - 1)))
