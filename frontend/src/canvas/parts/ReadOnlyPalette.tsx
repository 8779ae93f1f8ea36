// In place of the palette for a role that may not edit: what this user can do here, and the role editing needs.
import "./ReadOnlyPalette.css";
export function ReadOnlyPalette({ readOnly }: { readOnly: string | null }) {
  return (
    <aside className="palette palette-locked" aria-label="Node palette">
      <div className="palette-head">
        <h2>Steps</h2>
        <p className="muted" data-testid="read-only-note">
          You can look at this flow, its versions and conversations. {readOnly}.
        </p>
      </div>
    </aside>
  );
}
