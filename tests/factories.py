"""factory_boy factories for flows, versions and users."""

import json
from pathlib import Path

import factory
from django.contrib.auth import get_user_model

from flows import actions
from flows.models import Flow

FIXTURES = Path(__file__).parent / "fixtures" / "flows"


def load_graph(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-123")


class EditorFactory(UserFactory):
    is_staff = True
    username = factory.Sequence(lambda n: f"editor{n}")


class FlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flow

    name = factory.Sequence(lambda n: f"Flow {n}")
    slug = factory.Sequence(lambda n: f"flow-{n}")
    graph = factory.LazyFunction(lambda: {"nodes": [], "edges": []})


def published_flow(graph: dict | str, slug: str | None = None, **kwargs) -> Flow:
    """A flow with the graph (or the named fixture) saved and published."""
    doc = load_graph(graph) if isinstance(graph, str) else graph
    flow = FlowFactory(**({"slug": slug} if slug else {}), **kwargs)
    problems = actions.save_flow(flow, graph=doc)
    errors = [p for p in problems if p["severity"] == "error"]
    assert not errors, errors
    actions.publish(flow, None)
    return flow
