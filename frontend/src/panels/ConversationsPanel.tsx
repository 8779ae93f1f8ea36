// Past conversations of the flow; any can be replayed on the canvas from its stored steps.
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Conversation } from "../api/types";
import { formatDate, timeAgo } from "../ui/format";
import { Icon } from "../ui/icons";

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
    <aside className="side-panel" aria-label="Conversations">
      <header className="side-head">
        <div>
          <h2>Conversations</h2>
          <p className="muted">Replay one to see the path it took through the flow.</p>
        </div>
        <button type="button" className="icon-btn" onClick={load} aria-label="Reload conversations" title="Reload">
          <Icon name="history" size={16} />
        </button>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close panel" title="Close panel">
          <Icon name="x" />
        </button>
      </header>
      <div className="side-body">
        {error ? (
          <p className="notice is-error" role="alert">
            {error}
          </p>
        ) : null}
        {list === null && !error ? <p className="muted">Loading…</p> : null}
        {list?.length === 0 ? (
          <div className="empty-state small">
            <Icon name="chat" size={28} />
            <p>No conversations yet.</p>
            <p className="muted">Try the flow with Preview, or share it once it is published.</p>
          </div>
        ) : null}
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
                  {c.channel && c.channel !== "api" ? ` · ${c.channel}` : ""}
                  {c.external_user_id ? ` · ${c.external_user_id}` : ""}
                </span>
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
      </div>
    </aside>
  );
}
