// The agents' inbox (/builder/inbox/): conversations handed to a person, live over /ws/inbox/; claim one, read the
// transcript and variables, reply or note, then hand back to the bot or close.
import "./ListPage.css";
import "./InboxPage.css";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { api } from "../api/endpoints";
import { errorMessage } from "../api/client";
import type { InboxConversation, InboxDetail } from "../api/types";
import { boot } from "../boot";
import { TeamOptions, useTeams } from "../panels/TeamSuggestions";

type Status = "" | "waiting" | "agent" | "done";

function waited(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** The inbox socket: calls `changed(conversationId)` on each event; reconnects with backoff. */
function useInboxSocket(changed: (conversationId: string) => void) {
  const ref = useRef(changed);
  ref.current = changed;
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      if (stopped) return;
      ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/ws/inbox/`);
      ws.onopen = () => {
        attempt = 0;
        ref.current("");
      };
      ws.onmessage = (e) => {
        try {
          ref.current(String(JSON.parse(String(e.data)).conversation_id ?? ""));
        } catch {
          /* not a frame of ours */
        }
      };
      ws.onclose = (e) => {
        ws = null;
        if (stopped || e.code === 4401 || e.code === 4403) return;
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
  }, []);
}

export function InboxPage() {
  const { user, urls } = boot();
  const [rows, setRows] = useState<InboxConversation[] | null>(null);
  const [status, setStatus] = useState<Status>("");
  const [team, setTeam] = useState("");
  const teams = useTeams(); // the admin's teams, offered for the filter; any other name can still be typed
  const teamListId = useId();
  // An email from a handoff routed to `email` links here with ?conversation=<id>: open that one.
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(location.search).get("conversation"));
  const [detail, setDetail] = useState<InboxDetail | null>(null);
  const [error, setError] = useState("");
  const [text, setText] = useState("");
  const [note, setNote] = useState(false);
  const [variables, setVariables] = useState("");
  const [name, setName] = useState(user?.name ?? "");
  const [, tick] = useState(0);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const loadList = useCallback(async () => {
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (team.trim()) query.set("team", team.trim());
    try {
      setRows(await api.inbox(query.toString() ? `?${query}` : ""));
    } catch (exc) {
      setError(errorMessage(exc));
    }
  }, [status, team]);

  const loadDetail = useCallback(async (id: string) => {
    try {
      setDetail(await api.inboxConversation(id));
    } catch (exc) {
      setError(errorMessage(exc));
    }
  }, []);

  useEffect(() => void loadList(), [loadList]);
  useEffect(() => {
    if (selectedRef.current) void loadDetail(selectedRef.current);
  }, [loadDetail]);
  useEffect(() => {
    const every = setInterval(() => tick((n) => n + 1), 1000); // waiting times count up
    return () => clearInterval(every);
  }, []);
  useInboxSocket((id) => {
    void loadList();
    if (selectedRef.current && (!id || id === selectedRef.current)) void loadDetail(selectedRef.current);
  });

  const act = async (doing: () => Promise<InboxDetail>) => {
    setError("");
    try {
      setDetail(await doing());
      void loadList();
      return true;
    } catch (exc) {
      setError(errorMessage(exc));
      return false;
    }
  };

  const open = (id: string) => {
    setSelected(id);
    setDetail(null);
    void loadDetail(id);
  };

  const send = async () => {
    if (!selected || !text.trim()) return;
    if (await act(() => api.agentSay(selected, text, note))) setText("");
  };

  const release = async () => {
    if (!selected) return;
    let parsed: Record<string, unknown> = {};
    if (variables.trim()) {
      try {
        parsed = JSON.parse(variables) as Record<string, unknown>;
      } catch {
        setError('Variables must be JSON, like {"refund": "yes"}.');
        return;
      }
    }
    await act(() => api.release(selected, parsed));
  };

  const started = Date.now();
  return (
    <div className="list-page inbox-page">
      <header className="list-top">
        <div className="brand">Inbox</div>
        <a className="btn btn-ghost btn-small" href={urls?.builder ?? "/builder/"}>
          Flows
        </a>
        <div className="spacer" />
        <span className="muted">{user?.name}</span>
      </header>
      <main className="inbox-main">
        <section className="inbox-list" aria-label="Conversations">
          <div className="inbox-filters">
            <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
              <option value="">Waiting and with an agent</option>
              <option value="waiting">Waiting</option>
              <option value="agent">With an agent</option>
              <option value="done">Done</option>
            </select>
            <input
              aria-label="Team"
              placeholder="Team"
              value={team}
              list={teamListId}
              autoComplete="off"
              onChange={(e) => setTeam(e.target.value)}
            />
            <TeamOptions id={teamListId} teams={teams} />
          </div>
          {rows === null ? <p className="muted">Loading…</p> : null}
          {rows?.length === 0 ? <p className="muted">Nobody is waiting for a person.</p> : null}
          <ul>
            {(rows ?? []).map((row) => {
              const since = row.waiting_s + (Date.now() - started) / 1000;
              return (
                <li key={row.id}>
                  <button
                    type="button"
                    className={`inbox-row ${row.status}${row.id === selected ? " selected" : ""}`}
                    data-testid="inbox-row"
                    onClick={() => open(row.id)}
                  >
                    <strong>{row.reason || "(no reason)"}</strong>
                    <span className="muted small">
                      {row.flow_name} · {row.team || "no team"} · {row.priority}
                      {row.route === "intercom" ? " · in Intercom" : ""}
                    </span>
                    <span className="small" data-testid="inbox-status">
                      {row.status === "waiting" ? `waiting ${waited(since)}` : row.status === "agent" ? `with ${row.agent_name}` : "done"}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="inbox-detail" aria-label="Conversation">
          {error ? (
            <p className="inbox-error" role="alert">
              {error}
            </p>
          ) : null}
          {!selected ? <p className="muted">Pick a conversation.</p> : null}
          {selected && detail ? (
            <>
              <div className="inbox-actions">
                {detail.route === "intercom" && detail.status !== "done" ? (
                  <span className="muted">Handed to Intercom: answer it there.</span>
                ) : null}
                {detail.status === "waiting" && detail.route !== "intercom" ? (
                  <>
                    <input aria-label="Name the customer sees" value={name} onChange={(e) => setName(e.target.value)} />
                    <button type="button" className="btn btn-primary" onClick={() => void act(() => api.claim(selected, name))}>
                      Claim
                    </button>
                  </>
                ) : null}
                {detail.claimed_by_me && detail.status === "agent" ? (
                  <>
                    <input
                      aria-label="Variables to set (JSON)"
                      placeholder='{"refund": "yes"}'
                      value={variables}
                      onChange={(e) => setVariables(e.target.value)}
                    />
                    <button type="button" className="btn" onClick={() => void release()}>
                      Hand back to the bot
                    </button>
                    <button type="button" className="btn btn-ghost" onClick={() => void act(() => api.closeHandoff(selected))}>
                      Close
                    </button>
                  </>
                ) : null}
                {detail.status === "agent" && !detail.claimed_by_me ? <span className="muted">{detail.agent_name} holds this conversation.</span> : null}
              </div>
              <ol className="inbox-transcript" data-testid="inbox-transcript">
                {detail.messages.map((m) => (
                  <li key={`${m.kind}-${m.id}`} className={`inbox-msg ${m.kind}`}>
                    <span className="muted small">{m.kind === "note" ? `Note by ${m.author}` : m.kind === "agent" ? m.author : m.kind}</span>
                    <div>{m.text}</div>
                  </li>
                ))}
              </ol>
              {detail.claimed_by_me && detail.status === "agent" ? (
                <form
                  className="inbox-reply"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void send();
                  }}
                >
                  <textarea aria-label="Reply" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
                  <label className="small">
                    <input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} /> Internal note (never sent)
                  </label>
                  <button type="submit" className="btn btn-primary">
                    {note ? "Add note" : "Send"}
                  </button>
                </form>
              ) : null}
              <details className="inbox-variables">
                <summary>Variables</summary>
                <pre>{JSON.stringify(detail.variables, null, 2)}</pre>
              </details>
            </>
          ) : null}
        </section>
      </main>
    </div>
  );
}
