// The frame the canvas's side panels share: a titled header with a close button, then the error, loading and
// empty states of the list they show, then the list itself.
import "./SidePanel.css";
import type { ReactNode } from "react";
import { Icon } from "../ui/icons";

interface Props {
  title: string;
  help: string;
  onClose: () => void;
  actions?: ReactNode; // buttons before the close button (Reload, say)
  error: string | null;
  loading: boolean;
  empty: { icon: string; text: string; help: string } | null; // shown when the list is there and empty
  children: ReactNode;
}

export function SidePanel({ title, help, onClose, actions, error, loading, empty, children }: Props) {
  return (
    <aside className="side-panel" aria-label={title}>
      <header className="side-head">
        <div>
          <h2>{title}</h2>
          <p className="muted">{help}</p>
        </div>
        {actions}
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
        {loading && !error ? <p className="muted">Loading…</p> : null}
        {empty ? (
          <div className="empty-state small">
            <Icon name={empty.icon} size={28} />
            <p>{empty.text}</p>
            <p className="muted">{empty.help}</p>
          </div>
        ) : null}
        {children}
      </div>
    </aside>
  );
}
