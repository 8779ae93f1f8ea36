// What the logged-in user may do (their roles' permissions, from the page: flows/roles.py), and how to say why not.
import { boot } from "../boot";

export type Permission =
  | "flows.view_flow"
  | "flows.add_flow"
  | "flows.change_flow"
  | "flows.preview_flow"
  | "flows.publish_flow"
  | "flows.delete_flow";

/** Why a control is disabled: the role the action needs (the API says the same when it refuses). */
export const NEEDS: Record<Permission, string> = {
  "flows.view_flow": "Seeing flows needs the Viewer role",
  "flows.add_flow": "Creating flows needs the Editor role",
  "flows.change_flow": "Changing the draft needs the Editor role",
  "flows.preview_flow": "Previewing needs the Editor role",
  "flows.publish_flow": "Publishing needs the Publisher role",
  "flows.delete_flow": "Deleting flows needs the Publisher role",
};

/** Why the Share panel's look and allowed websites are locked (a change is live at once, like publishing). */
export const SHARE_NEEDS = "Changing the widget's look and allowed websites needs the Publisher role";

export function permissions(): Set<string> {
  const user = boot().user;
  return new Set(user?.permissions ?? []);
}

export function can(permission: Permission, held: Set<string> = permissions()): boolean {
  return held.has(permission);
}

/** The role names to show ("Viewer"), or a sentence for a user with none. */
export function roleText(roles: string[] | undefined): string {
  if (!roles?.length) return "no role";
  return roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.join(", ")} roles`;
}
