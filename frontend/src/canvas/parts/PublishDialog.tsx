// Publishing the draft as the next version, with an optional note of what changed.
import { Dialog } from "../../ui/Dialog";
import { Icon } from "../../ui/icons";

interface Props {
  /** The dialog's note while it is open, or null when it is closed. */
  publishing: { note: string } | null;
  nextVersion: number;
  busy: boolean;
  onNote: (note: string) => void;
  onPublish: (note: string) => void;
  onClose: () => void;
}

export function PublishDialog({ publishing, nextVersion, busy, onNote, onPublish, onClose }: Props) {
  return (
    <Dialog open={publishing !== null} title={`Publish version ${nextVersion}?`} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          onPublish(publishing?.note ?? "");
        }}
      >
        <p>New conversations will use this version at once; conversations already under way stay on theirs.</p>
        <div className="fb-field">
          <label className="fb-label" htmlFor="publish-note">
            What changed? <span className="muted">(optional, shown in Versions)</span>
          </label>
          <textarea
            id="publish-note"
            className="fb-input"
            rows={3}
            maxLength={500}
            value={publishing?.note ?? ""}
            onChange={(e) => onNote(e.target.value)}
            placeholder="e.g. Friendlier greeting; asks for the order number first"
            autoFocus
          />
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            <Icon name="rocket" size={16} />
            {busy ? "Publishing…" : "Publish"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
