"""Run in the stack's environment (`python -m bench.setup_db`): a staff user with an API token, and two published
echo-loop flows (one loaded by wrk, one for the trace probe). Prints what the bench needs as one JSON line."""

from __future__ import annotations

import json

import django

ECHO = {
    "settings": {"fallback_text": "Sorry, something went wrong."},
    "nodes": [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {
            "id": "ask",
            "type": "question",
            "position": {"x": 240, "y": 0},
            "data": {"text": "Say something.", "input_type": "text", "variable": "said"},
        },
        {"id": "echo", "type": "message", "position": {"x": 480, "y": 0}, "data": {"text": "You said: {{ said }}"}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
        {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "echo"},
        {"id": "e3", "source": "echo", "sourceHandle": "next", "target": "ask"},
    ],
}


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from flows import actions
    from flows.models import Flow

    users = get_user_model()
    user = users.objects.filter(username="bench").first()
    if user is None:
        user = users.objects.create_user("bench", "bench@example.com", None, is_staff=True)
    from django.contrib.auth.models import Group

    from flows import roles

    roles.ensure_groups()
    user.groups.add(Group.objects.get(name=roles.PUBLISHER))  # staff status alone grants nothing (flows/roles.py)
    token, _ = Token.objects.get_or_create(user=user)
    out: dict[str, object] = {"staff_token": token.key}
    for role, slug in (("load", "bench-echo"), ("probe", "bench-probe")):
        flow = Flow.objects.filter(slug=slug).first()
        if flow is None:
            flow = Flow(name=f"Bench echo ({role})", slug=slug, owner=user)
            problems = actions.save_flow(flow, graph=ECHO)
            if [p for p in problems if p["severity"] == "error"]:
                raise SystemExit(f"the bench flow has problems: {problems}")
            actions.publish(flow, user)
        out[f"{role}_flow_id"] = flow.pk
        out[f"{role}_slug"] = slug
    print(json.dumps(out))


if __name__ == "__main__":
    main()
