// Past conversations of the flow; any can be replayed on the canvas from its stored steps.
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Conversation } from "../api/types";
import { formatDate, timeAgo, timeUntil } from "../ui/format";
import { Icon } from "../ui/icons";
import { SidePanel } from "./SidePanel";

/** How the list names a conversation's channel (the API gives its key). */
const CHANNELS: Record<string, string> = { twilio_sms: "SMS", twilio_whatsapp: "WhatsApp", widget: "Widget", hook: "Hook" };

interface Props {
  flowId: number;
  replaying: string | null;
  onReplay: (conversation: Conversation) => void;
  onStop: () => void;
  onClose: () => void;
}

export function ConversationsPanel({ flowId, replaying, onReplay, onStop, onClose }: Props) {
  const [list, setList] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    api
      .conversations(flowId)
      .then(setList)
      .catch((exc) => setError(errorMessage(exc)));
  }, [flowId]);

  useEffect(() => {
    load();
  }, [load]);

  return (
    <SidePanel
      title="Conversations"
      help="Replay one to see the path it took through the flow."
      onClose={onClose}
      actions={
        <button type="button" className="icon-btn" onClick={load} aria-label="Reload conversations" title="Reload">
          <Icon name="history" size={16} />
        </button>
      }
      error={error}
      loading={list === null}
      empty={
        list?.length === 0
          ? { icon: "chat", text: "No conversations yet.", help: "Try the flow with Preview, or share it once it is published." }
          : null
      }
    >
      <ul className="conversation-list">
        {list?.map((c) => (
          <li key={c.id} className={`conversation-row${replaying === c.id ? " is-replaying" : ""}`} data-testid="conversation-row">
            <div className="conversation-main">
              <span>
                <time dateTime={c.created_at} title={formatDate(c.created_at)}>
                  {timeAgo(c.created_at)}
                </time>
                {c.preview ? <span className="pill">Preview</span> : <span className="pill">v{c.version}</span>}
              </span>
              <span className="muted">
                {c.status}
                {c.channel && c.channel !== "api" ? ` · ${CHANNELS[c.channel] ?? c.channel}` : ""}
                {c.external_user_id ? ` · ${c.external_user_id}` : ""}
              </span>
              {c.timers.length ? (
                <ul className="timer-list" aria-label="Pending timers">
                  {c.timers.map((t) => (
                    <li key={t.id} data-testid="pending-timer">
                      <Icon name={t.kind === "wake" ? "hourglass" : "alarm-clock"} size={12} /> {t.kind === "wake" ? `wait at ${t.node_id}` : `timer ${t.name}`}
                      {t.repeats ? ` (repeats, fired ${t.fired_count}×)` : ""}{" "}
                      <time dateTime={t.due_at} title={formatDate(t.due_at)}>
                        {timeUntil(t.due_at)}
                      </time>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
            {replaying === c.id ? (
              <button type="button" className="btn btn-small" onClick={onStop}>
                Stop
              </button>
            ) : (
              <button type="button" className="btn btn-small" onClick={() => onReplay(c)} aria-label={`Replay conversation from ${formatDate(c.created_at)}`}>
                <Icon name="replay" size={14} /> Replay
              </button>
            )}
          </li>
        ))}
      </ul>
    </SidePanel>
  );
}
