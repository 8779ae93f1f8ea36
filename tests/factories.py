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
    """A builder user in one role (flows/roles.py); by default a Publisher, who may do everything with flows.

    Not staff: roles grant what a user may do, staff status (admin's door) grants nothing."""

    username = factory.Sequence(lambda n: f"editor{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create:
            return
        from django.contrib.auth.models import Group

        from flows import roles

        name = extracted or roles.PUBLISHER
        if not Group.objects.filter(name=name).exists():
            roles.ensure_groups()  # a transactional test's flush removed the migration's groups
        self.groups.add(Group.objects.get(name=name))


def role_user(role: str | None, **kwargs):
    """A user in the role (Viewer, Editor, Publisher, Admin), or with none (None)."""
    if role is None:
        return UserFactory(**kwargs)
    return EditorFactory(role=role, **kwargs)


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
