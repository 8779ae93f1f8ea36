// A flow's SMS and WhatsApp channels (the Share panel): list, add, remove, send a test message.
import { getJson, sendJson } from "./client";
import type { components } from "./schema";

export type Channel = components["schemas"]["Channel"];
export type ChannelChange = components["schemas"]["ChannelRequest"];
export type ChannelTestResult = components["schemas"]["ChannelTestResult"];

const API = "/api/v1";

export const channelsApi = {
  list: (flowId: number) => getJson<Channel[]>(`${API}/flows/${flowId}/channels/`),
  add: (flowId: number, change: ChannelChange) => sendJson<Channel>("POST", `${API}/flows/${flowId}/channels/`, change),
  remove: (flowId: number, id: string) => sendJson<void>("DELETE", `${API}/flows/${flowId}/channels/${id}/`),
  test: (flowId: number, id: string, to: string) =>
    sendJson<ChannelTestResult>("POST", `${API}/flows/${flowId}/channels/${id}/test/`, { to }),
};
