// The chat widget's settings (the Share panel): appearance and allowed websites, and the avatar upload.
import { boot } from "../boot";
import { ApiError, getJson, sendJson } from "./client";
import type { components } from "./schema";

export type WidgetSettings = components["schemas"]["WidgetSettings"];
export type WidgetSettingsChange = components["schemas"]["WidgetSettingsRequest"];

const API = "/api/v1";

function csrfToken(): string {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : boot().csrfToken;
}

export const widgetApi = {
  get: (flowId: number) => getJson<WidgetSettings>(`${API}/flows/${flowId}/appearance/`),
  save: (flowId: number, change: WidgetSettingsChange) =>
    sendJson<WidgetSettings>("PUT", `${API}/flows/${flowId}/appearance/`, change),
  removeAvatar: (flowId: number) => sendJson<WidgetSettings>("DELETE", `${API}/flows/${flowId}/appearance/avatar/`),
  uploadAvatar: async (flowId: number, file: File): Promise<WidgetSettings> => {
    const form = new FormData();
    form.append("file", file);
    let response: Response;
    try {
      response = await fetch(`${API}/flows/${flowId}/appearance/avatar/`, {
        method: "POST",
        body: form,
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError(0, "network", "The server did not answer. Check your connection and try again.");
    }
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!response.ok) {
      throw new ApiError(response.status, body?.error?.code ?? "error", body?.error?.message ?? `Upload failed (${response.status}).`);
    }
    return body as unknown as WidgetSettings;
  },
};
