// One function per API call the builder makes.
import { ApiError, getJson, request, sendJson } from "./client";
import type {
  Conversation,
  Credential,
  Flow,
  FlowListItem,
  InboxConversation,
  InboxDetail,
  Team,
  GraphDocument,
  IntegrationTemplate,
  NodeTypeInfo,
  PreviewReply,
  Reply,
  Run,
  Version,
} from "./types";

const API = "/api/v1";

export const api = {
  nodeTypes: () => getJson<NodeTypeInfo[]>(`${API}/node-types/`),
  integrationTemplates: () => getJson<IntegrationTemplate[]>(`${API}/integration-templates/`),

  flows: () => getJson<FlowListItem[]>(`${API}/flows/`),
  flow: (id: number) => getJson<Flow>(`${API}/flows/${id}/`),
  createFlow: (name: string, graph: GraphDocument = { nodes: [], edges: [] }) =>
    sendJson<Flow>("POST", `${API}/flows/`, { name, graph }),
  renameFlow: (id: number, name: string) => sendJson<Flow>("PATCH", `${API}/flows/${id}/`, { name }),
  /** Saves the draft made from `revision`; a draft saved elsewhere since is not overwritten (409 conflict). */
  saveGraph: (id: number, graph: GraphDocument, revision: number, keepalive = false) =>
    sendJson<Flow>("PATCH", `${API}/flows/${id}/`, { graph, revision }, { keepalive }),
  deleteFlow: (id: number) => sendJson<void>("DELETE", `${API}/flows/${id}/`),
  duplicateFlow: (id: number) => sendJson<Flow>("POST", `${API}/flows/${id}/duplicate/`, {}),
  importFlow: (document: unknown) => sendJson<Flow>("POST", `${API}/flows/import/`, document),
  exportFlow: async (id: number): Promise<{ filename: string; blob: Blob }> => {
    const response = await request(`${API}/flows/${id}/export/`);
    const disposition = response.headers.get("Content-Disposition") ?? "";
    const match = /filename="?([^";]+)"?/.exec(disposition);
    return { filename: match?.[1] ?? `flow-${id}.flow.json`, blob: await response.blob() };
  },

  publish: (id: number, note = "") => sendJson<Version>("POST", `${API}/flows/${id}/publish/`, { note }),
  versions: (id: number) => getJson<Version[]>(`${API}/flows/${id}/versions/`),
  restoreVersion: (id: number, number: number) =>
    sendJson<Flow>("POST", `${API}/flows/${id}/versions/${number}/restore/`, {}),

  inbox: (query = "") => getJson<InboxConversation[]>(`${API}/inbox/conversations/${query}`),
  inboxConversation: (id: string) => getJson<InboxDetail>(`${API}/inbox/conversations/${id}/messages/`),
  claim: (id: string, display_name = "") =>
    sendJson<InboxDetail>("POST", `${API}/inbox/conversations/${id}/claim/`, { display_name }),
  agentSay: (id: string, text: string, note = false) =>
    sendJson<InboxDetail>("POST", `${API}/inbox/conversations/${id}/messages/`, { text, note }),
  release: (id: string, variables: Record<string, unknown> = {}) =>
    sendJson<InboxDetail>("POST", `${API}/inbox/conversations/${id}/release/`, { variables }),
  closeHandoff: (id: string) => sendJson<InboxDetail>("POST", `${API}/inbox/conversations/${id}/close/`, {}),
  teams: () => getJson<Team[]>(`${API}/teams/`),

  conversations: (id: number) => getJson<Conversation[]>(`${API}/flows/${id}/conversations/`),
  runs: (conversationId: string) => getJson<Run[]>(`${API}/conversations/${conversationId}/runs/`),
  /** Preview only: fire the conversation's pending wait (or the timer given by id) now. */
  skipWait: (conversationId: string, timer?: number) =>
    sendJson<Conversation>("POST", `${API}/conversations/${conversationId}/skip-wait/`, timer ? { timer } : {}),

  /** Credentials of one kind, by name; none (rather than an error) when the endpoint is not there. */
  credentials: async (kind: string): Promise<Credential[]> => {
    try {
      return await getJson<Credential[]>(`${API}/credentials/?kind=${encodeURIComponent(kind)}`);
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 404) return [];
      throw exc;
    }
  },

  startPreview: (id: number) => sendJson<PreviewReply>("POST", `${API}/flows/${id}/preview/?wait=0`, {}),
};

/** The public chat API, as a widget uses it: the conversation's bearer token, no session. */
export const chat = {
  send: async (conversationId: string, token: string, text: string, clientMessageId: string): Promise<Reply> => {
    const response = await request(`${API}/chat/conversations/${conversationId}/messages/?wait=10`, {
      method: "POST",
      body: { text, client_message_id: clientMessageId },
      headers: { Authorization: `Bearer ${token}` },
    });
    return (await response.json()) as Reply;
  },
  reply: async (conversationId: string, token: string, runId: string): Promise<Reply> => {
    const response = await request(`${API}/chat/conversations/${conversationId}/runs/${runId}/?wait=10`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return (await response.json()) as Reply;
  },
};
