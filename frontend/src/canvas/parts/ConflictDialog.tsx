// The draft was saved elsewhere: which steps differ, then reload the saved draft or overwrite it with this tab's.
import "./ConflictDialog.css";
import type { NodeTypeInfo } from "../../api/types";
import { Dialog } from "../../ui/Dialog";
import { KIND_TEXT } from "../conflict";
import type { Conflict } from "../useRevisionConflict";

interface Props {
  conflict: Conflict | null;
  typeOf: (key: string) => NodeTypeInfo | undefined;
  onReload: () => void;
  onOverwrite: () => void;
}

export function ConflictDialog({ conflict, typeOf, onReload, onOverwrite }: Props) {
  return (
    <Dialog open={conflict !== null} title="This flow was changed elsewhere" onClose={() => undefined}>
      {conflict ? (
        <div data-testid="conflict">
          <p>
            Someone saved this flow in another tab or browser
            {conflict.theirs.updated_at ? <> at {new Date(conflict.theirs.updated_at).toLocaleTimeString()}</> : null}, after you
            opened it. Your changes here are not saved yet.
          </p>
          {conflict.diff.nodes.length ? (
            <ul className="conflict-list" aria-label="Steps that differ">
              {conflict.diff.nodes.map((d) => (
                <li key={d.id} data-testid="conflict-node">
                  <strong>{typeOf(d.type)?.label ?? d.type}</strong> <code>{d.id}</code>: {KIND_TEXT[d.kind]}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No step differs{conflict.diff.other ? "; the flow's settings do" : ""}.</p>
          )}
          {conflict.diff.edgesHere || conflict.diff.edgesThere ? (
            <p className="muted">
              Connections: {conflict.diff.edgesHere} only here, {conflict.diff.edgesThere} only in the saved draft.
            </p>
          ) : null}
          <div className="dialog-actions conflict-actions">
            <button type="button" className="btn btn-secondary" onClick={onReload}>
              Reload the saved draft
            </button>
            <button type="button" className="btn btn-danger" onClick={onOverwrite}>
              Overwrite it with mine
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
