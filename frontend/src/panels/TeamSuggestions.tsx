// The agents' teams kept in admin (GET /api/v1/teams/) as suggestions for a text field: a <datalist> the field
// names with `list`, so any other name (or a template) can still be typed.
import { useEffect, useState } from "react";
import { api } from "../api/endpoints";
import type { Team } from "../api/types";
import { boot } from "../boot";

let loaded: Promise<Team[]> | null = null;

/** The teams, once per page; none for a user who may not read them, or when they cannot be loaded (only hints). */
export function useTeams(): Team[] {
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    if (!boot().user?.permissions?.includes("flows.view_team")) return;
    loaded ??= api.teams().catch(() => []);
    let live = true;
    void loaded.then((found) => live && setTeams(found));
    return () => {
      live = false;
    };
  }, []);
  return teams;
}

/** The datalist of team names (with the description as each option's label), for `<input list={id}>`. */
export function TeamOptions({ id, teams }: { id: string; teams: Team[] }) {
  return (
    <datalist id={id} data-testid="team-suggestions">
      {teams.map((t) => (
        <option key={t.name} value={t.name} label={t.description || undefined} />
      ))}
    </datalist>
  );
}
