// What an empty flow's canvas says: where to start, and a button that adds the Start step.
import { Icon } from "../../ui/icons";

export function EmptyCanvas({ canEdit, readOnly, onAddStart }: { canEdit: boolean; readOnly: string | null; onAddStart: () => void }) {
  return (
    <div className="canvas-empty">
      <div className="canvas-empty-card">
        <Icon name="flow" size={32} />
        <h2>Build your chatbot here</h2>
        <p>
          Drag <strong>Start</strong> from the left onto the canvas, then add messages and questions and
          connect each step's right-hand dot to the next step.
        </p>
        <button type="button" className="btn btn-primary" onClick={onAddStart} disabled={!canEdit} title={readOnly ?? undefined}>
          <Icon name="plus" size={16} /> Add the first step
        </button>
      </div>
    </div>
  );
}
