"""The API's JSON parser: DRF's, refusing text that PostgreSQL cannot store (the NUL character, \\u0000)."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL_MESSAGE = "JSON text may not contain the NUL character (\\u0000)."


def has_nul(data: Any) -> bool:
    """Whether a parsed JSON value holds a NUL character in any string or key."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class NulRefused(ParseError):
    default_detail = NUL_MESSAGE


class JSONParser(parsers.JSONParser):
    """A 400 (parse_error) for a NUL anywhere in the body, instead of a database error when it is stored."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if has_nul(data):
            raise NulRefused()
        return data
