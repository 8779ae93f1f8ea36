"""Values that go into a URL as one path segment: encoded whole, and never a segment that steps to another resource."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def steps_away(text: str) -> bool:
    """Whether the text, as a whole path segment, would not name a resource of its own: empty, "." or ".." (also as
    fullwidth dots, which some servers fold to ASCII)."""
    plain = unicodedata.normalize("NFKC", text)
    return plain in ("", ".", "..")


def segment(value: str) -> str:
    """The value percent-encoded as one path segment ("/", "?", "#" and "%" included); ValueError when it would be
    empty, "." or ".." and so change which resource is called."""
    if steps_away(value):
        raise ValueError(f"{value!r} cannot be a part of a URL path")
    return quote(value, safe="")
