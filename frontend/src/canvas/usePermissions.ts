// What this user's roles allow (the page says; the API refuses the rest anyway).
import { useState } from "react";
import { can, NEEDS, permissions } from "./access";

export interface Permissions {
  canEdit: boolean;
  canPreview: boolean;
  canPublish: boolean;
  /** Why the canvas is read-only (the role it needs), or null when this user may edit. */
  readOnly: string | null;
}

export function usePermissions(): Permissions {
  const [held] = useState(permissions);
  const canEdit = can("flows.change_flow", held);
  const canPreview = can("flows.preview_flow", held);
  const canPublish = can("flows.publish_flow", held);
  const readOnly = canEdit ? null : NEEDS["flows.change_flow"];
  return { canEdit, canPreview, canPublish, readOnly };
}
