"""daphne with cProfile on its main thread (the event loop) between SIGUSR1 and SIGUSR2, for bench.chat.

`python -m bench.profiled_daphne OUT_PREFIX <daphne arguments>`: SIGUSR1 starts a new profile, SIGUSR2 stops it and
writes OUT_PREFIX-<n>.prof. Only the event-loop thread is profiled; Django's sync views run on other threads.
"""

from __future__ import annotations

import cProfile
import signal
import sys

from daphne.cli import CommandLineInterface

_state: dict[str, object] = {"n": 0, "profile": None}


def _start(signum, frame) -> None:
    profile = cProfile.Profile()
    _state["profile"] = profile
    profile.enable()


def _stop(signum, frame) -> None:
    profile = _state["profile"]
    if isinstance(profile, cProfile.Profile):
        profile.disable()
        _state["n"] = int(_state["n"]) + 1  # type: ignore[call-overload]
        profile.dump_stats(f"{sys.argv[1]}-{_state['n']}.prof")
        _state["profile"] = None


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    CommandLineInterface().run(sys.argv[2:])
