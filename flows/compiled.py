"""Published versions compiled once per process: a version never changes, so its graph is cached by identity."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from nodes.registry import registry

from .graph import Graph, analyse

if TYPE_CHECKING:
    from .models import FlowVersion

MAX_CACHED = 512
_cache: OrderedDict[tuple, Graph] = OrderedDict()


class VersionInvalid(RuntimeError):
    pass


def compiled(version: FlowVersion) -> Graph:
    """The version's runnable graph; published_at is in the key so a reused id (a test database) never hits."""
    key = (version.pk, version.published_at.isoformat())
    graph = _cache.get(key)
    if graph is None:
        doc = type(version).objects.values_list("graph", flat=True).get(pk=version.pk)
        graph, problems = analyse(doc, registry())
        if graph is None:
            raise VersionInvalid("; ".join(p.message for p in problems if p.severity == "error"))
        _cache[key] = graph
        if len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return graph
