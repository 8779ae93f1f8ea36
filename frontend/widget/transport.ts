// The chat API over fetch, the conversation's WebSocket, and where the conversation is remembered (localStorage).
import type { BotMessage, Awaited, ChatApi, Conversation, Result, Store } from "./chat";

export interface WidgetConfig {
  flow: string;
  title: string;
  subtitle: string;
  accent: string;
  position: "left" | "right";
  launcher_icon: string;
  greeting: string;
  placeholder: string;
  theme: "light" | "dark" | "auto";
  avatar_url: string | null;
}

async function call<T>(url: string, init: RequestInit): Promise<Result<T>> {
  const response = await fetch(url, { ...init, credentials: "omit", mode: "cors" });
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = { error: { code: "bad_response", message: `The chat server answered ${response.status}.` } };
  }
  return { status: response.status, body: body as T };
}

function auth(c: Conversation): Record<string, string> {
  return { Authorization: `Bearer ${c.token}`, Accept: "application/json" };
}

export function httpApi(base: string, flow: string): ChatApi & { config(): Promise<Result<WidgetConfig | { error: { code: string; message: string } }>> } {
  const chat = `${base}/api/v1/chat`;
  const json = { "Content-Type": "application/json", Accept: "application/json" };
  return {
    config: () => call(`${chat}/${encodeURIComponent(flow)}/widget/`, { headers: { Accept: "application/json" } }),
    start: (variables) =>
      call(`${chat}/${encodeURIComponent(flow)}/conversations/`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ channel: "widget", variables }),
      }),
    post: (c, text, clientMessageId) =>
      call(`${chat}/conversations/${c.id}/messages/`, {
        method: "POST",
        headers: { ...json, ...auth(c) },
        body: JSON.stringify({ text, client_message_id: clientMessageId }),
      }),
    transcript: (c, after) =>
      call(`${chat}/conversations/${c.id}/messages/${after ? `?after=${after}` : ""}`, { headers: auth(c) }),
    run: (c, runId, waitS) =>
      call(`${chat}/conversations/${c.id}/runs/${runId}/?wait=${waitS}`, { headers: auth(c) }),
  };
}

export function localStore(key: string): Store {
  return {
    load() {
      try {
        const raw = localStorage.getItem(key);
        const parsed = raw ? (JSON.parse(raw) as Conversation) : null;
        return parsed && typeof parsed.id === "string" && typeof parsed.token === "string" ? parsed : null;
      } catch {
        return null; // storage blocked (privacy settings): the chat still works, without resuming
      }
    },
    save(c) {
      try {
        if (c) localStorage.setItem(key, JSON.stringify({ id: c.id, token: c.token }));
        else localStorage.removeItem(key);
      } catch {
        // as above
      }
    },
  };
}

export interface SocketHandlers {
  message(m: BotMessage, streamId?: string): void;
  delta(streamId: string, text: string, discarded: boolean): void;
  status(status: string, input: Awaited | null): void;
  agent(event: string, name: string): void; // a person joined or left the conversation (handoff)
  reconnected(): void;
}

const FINAL_CODES = new Set([4401, 4403, 4404]); // refused: connecting again would be refused again

/** The conversation's socket, reconnected with backoff until closed. */
export function connectSocket(base: string, c: Conversation, on: SocketHandlers): () => void {
  const url = `${base.replace(/^http/, "ws")}/ws/chat/conversations/${c.id}/?token=${encodeURIComponent(c.token)}`;
  let ws: WebSocket | null = null;
  let stopped = false;
  let attempt = 0;
  let opened = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    if (stopped) return;
    ws = new WebSocket(url);
    ws.onopen = () => {
      if (opened) on.reconnected();
      opened = true;
      attempt = 0;
    };
    ws.onmessage = (e) => {
      let data: { type?: string; [k: string]: unknown };
      try {
        data = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (data.type === "message") on.message(data.message as BotMessage, data.stream_id as string | undefined);
      else if (data.type === "delta") on.delta(String(data.stream_id), String(data.text ?? ""), !!data.discarded);
      else if (data.type === "status") on.status(String(data.status), (data.input as Awaited | null) ?? null);
      else if (data.type === "agent") on.agent(String(data.event), String((data.agent as { name?: unknown })?.name ?? ""));
    };
    ws.onclose = (e) => {
      ws = null;
      if (stopped || FINAL_CODES.has(e.code)) return;
      attempt++;
      timer = setTimeout(open, Math.min(500 * 2 ** attempt, 15_000));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
