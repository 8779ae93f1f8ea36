"""Run in the stack's environment (`python -m bench.canvas_setup`): an editor who logs in with a password, and the
1,000-node flow of the canvas benchmark as a draft. Prints what the bench needs as one JSON line."""

from __future__ import annotations

import json
import secrets

import django


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model

    from flows import actions
    from flows.models import Flow

    from .canvas import big_graph

    password = secrets.token_urlsafe(16)
    users = get_user_model()
    user = users.objects.filter(username="bench-canvas").first() or users(username="bench-canvas", is_staff=True)
    user.set_password(password)
    user.save()
    from django.contrib.auth.models import Group

    from flows import roles

    roles.ensure_groups()
    user.groups.add(Group.objects.get(name=roles.EDITOR))  # staff status alone grants nothing (flows/roles.py)
    flow = Flow.objects.filter(slug="bench-canvas").first() or Flow(
        name="Bench canvas (1,000 nodes)", slug="bench-canvas"
    )
    flow.owner = user
    problems = actions.save_flow(flow, graph=big_graph())
    errors = [p for p in problems if p["severity"] == "error"]
    print(json.dumps({"flow_id": flow.pk, "username": user.username, "password": password, "errors": len(errors)}))


if __name__ == "__main__":
    main()
