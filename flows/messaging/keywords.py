"""The carrier keywords every SMS channel answers itself (CTIA's list): opting out, back in, and asking for help."""

from __future__ import annotations

STOP = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START = frozenset({"START", "UNSTOP", "YES"})
HELP = frozenset({"HELP", "INFO"})


def keyword(text: str) -> str:
    """'stop', 'start', 'help' when the whole text is such a keyword (any case, trailing punctuation), else ''."""
    word = text.strip().strip(".!").upper()
    if word in STOP:
        return "stop"
    if word in START:
        return "start"
    if word in HELP:
        return "help"
    return ""
