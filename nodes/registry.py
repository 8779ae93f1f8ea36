"""The node-type registry, built once from settings.NODE_TYPES (dotted paths, keys unique)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import NodeType


class Registry:
    def __init__(self, types: list[NodeType]):
        self._types: dict[str, NodeType] = {}
        for node_type in types:
            if node_type.key in self._types:
                raise ValueError(f"node type key {node_type.key!r} is registered twice")
            self._types[node_type.key] = node_type

    def get(self, key: str) -> NodeType | None:
        return self._types.get(key)

    def __iter__(self):
        return iter(self._types.values())

    def __contains__(self, key: object) -> bool:
        return key in self._types


def build(paths: list[str]) -> Registry:
    return Registry([import_string(path)() for path in paths])


@cache
def registry() -> Registry:
    return build(list(settings.NODE_TYPES))
