"""The agents' teams kept in admin: a handoff step naming a team not in the list gets a warning, never an error."""

from __future__ import annotations

from typing import Any

from nodes.templating import is_template

from .graph import Problem
from .models import Team


def named_in(graph: dict[str, Any]) -> list[tuple[str, str]]:
    """(node id, team) of each handoff step naming a team in plain text (a template is only known at run time)."""
    found = []
    for raw in graph.get("nodes") or []:
        data = raw.get("data") if raw.get("type") == "handoff" else None
        team = data.get("team") if isinstance(data, dict) else None
        if isinstance(raw.get("id"), str) and isinstance(team, str) and team.strip() and not is_template(team):
            found.append((raw["id"], team.strip()))
    return found


def unknown_team_problems(graph: dict[str, Any]) -> list[Problem]:
    """A warning for each handoff naming a team not in admin's list; none while the list is empty (free text)."""
    named = named_in(graph)
    if not named:
        return []  # no query for the many flows without a named team
    # Names are unique whatever their case (the model's constraint), so "billing" is the team "Billing".
    known = {name.casefold() for name in Team.objects.values_list("name", flat=True)}
    if not known:
        return []
    return [
        Problem(
            f"The team “{team}” is not in the list of teams kept in admin: agents filtering the inbox by a listed "
            "team will not see it. Pick one of the list, or add the team in admin.",
            node_id=node_id,
            severity="warning",
        )
        for node_id, team in named
        if team.casefold() not in known
    ]
