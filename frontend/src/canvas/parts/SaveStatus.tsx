// The topbar's save state ("Saved", "Saving…", a conflict to resolve), or "Read only" for a role that may not edit.
import "./SaveStatus.css";
import { Icon } from "../../ui/icons";
import type { SaveState } from "../saver";

const SAVE_TEXT: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  dirty: "Unsaved changes",
  error: "Unsaved changes",
  conflict: "Not saved: changed elsewhere",
};

interface Props {
  readOnly: string | null;
  saveState: SaveState;
  saveError: string | null;
  /** Whether the conflict dialog is showing already (then there is nothing to resolve from here). */
  conflictShown: boolean;
  onResolve: () => void;
}

export function SaveStatus({ readOnly, saveState, saveError, conflictShown, onResolve }: Props) {
  return (
    <>
      {readOnly ? (
        <span className="save-state is-read-only" role="status" data-testid="save-state" title={`${readOnly}.`}>
          <Icon name="lock" size={13} />
          Read only
        </span>
      ) : (
        <span
          className={`save-state is-${saveState}`}
          role="status"
          data-testid="save-state"
          title={saveError ? (saveState === "conflict" ? saveError : `Saving failed: ${saveError}. Retrying…`) : undefined}
        >
          <span className="dot" aria-hidden="true" />
          {SAVE_TEXT[saveState]}
        </span>
      )}
      {saveState === "conflict" && !conflictShown ? (
        <button type="button" className="btn btn-small" onClick={onResolve}>
          Resolve…
        </button>
      ) : null}
      {saveState === "error" ? <span className="muted save-error">Retrying…</span> : null}
    </>
  );
}
