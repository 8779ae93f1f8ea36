// What the Django page hands the bundle (templates/builder/index.html, json_script "builder-boot").
import type { Flow, NodeTypeInfo } from "./api/types";

export interface Boot {
  page: "flows" | "editor" | "inbox";
  flowId: number | null;
  csrfToken: string;
  /** Who is logged in, their roles and the builder's permissions they hold (flows/roles.py summary). */
  user: { username: string; name: string; roles?: string[]; permissions?: string[]; is_superuser?: boolean };
  urls: { builder: string; inbox?: string; admin: string; logout: string; credentialAdd: string };
  /** The editor's first data, in the page (flows/builder_views.py): no round trip before drawing. */
  data?: { flow: Flow; nodeTypes: NodeTypeInfo[] };
}

let cached: Boot | null = null;

export function boot(): Boot {
  if (cached) return cached;
  const element = document.getElementById("builder-boot");
  cached = JSON.parse(element?.textContent ?? "{}") as Boot;
  return cached;
}
