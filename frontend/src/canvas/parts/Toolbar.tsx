// The topbar's tools: undo, redo, fit, the panels, export (folded into "More" on a narrow screen), then Preview,
// Publish and Share, each disabled with the role it needs when this user's roles do not allow it.
import "./Toolbar.css";
import { useEffect, useState } from "react";
import { NEEDS } from "../access";
import { isNarrow } from "../layout";
import type { Panel } from "../usePanels";
import { Icon } from "../../ui/icons";

interface Props {
  undoable: { undo: boolean; redo: boolean };
  onUndo: () => void;
  onRedo: () => void;
  onFit: () => void;
  panel: Panel;
  onTogglePanel: (panel: Panel) => void;
  onExport: () => void;
  onPublish: () => void;
  busy: "publish" | "export" | null;
  canPreview: boolean;
  canPublish: boolean;
}

export function Toolbar({ undoable, onUndo, onRedo, onFit, panel, onTogglePanel, onExport, onPublish, busy, canPreview, canPublish }: Props) {
  const [moreOpen, setMoreOpen] = useState(false);
  useEffect(() => {
    if (!moreOpen) return;
    function away(event: PointerEvent | KeyboardEvent) {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !(event.target as HTMLElement).closest(".more-tools, .more-tools-btn")) setMoreOpen(false);
    }
    document.addEventListener("pointerdown", away, true);
    document.addEventListener("keydown", away);
    return () => {
      document.removeEventListener("pointerdown", away, true);
      document.removeEventListener("keydown", away);
    };
  }, [moreOpen]);
  return (
    <div className="toolbar">
      {/* On a narrow screen the secondary tools fold into "More"; wide, the wrapper is invisible to layout */}
      <button
        type="button"
        className="tool more-tools-btn"
        aria-expanded={moreOpen}
        aria-controls="more-tools"
        onClick={() => setMoreOpen((o) => !o)}
        title="More tools"
      >
        <Icon name="more" size={16} />
        <span>More</span>
      </button>
      <div
        id="more-tools"
        className={`more-tools${moreOpen ? " is-open" : ""}`}
        onClick={(event) => {
          if ((event.target as HTMLElement).closest("button") && isNarrow()) setMoreOpen(false);
        }}
      >
        <button type="button" className="tool" onClick={onUndo} disabled={!undoable.undo} title="Undo (Ctrl+Z)">
          <Icon name="undo" size={16} />
          <span>Undo</span>
        </button>
        <button type="button" className="tool" onClick={onRedo} disabled={!undoable.redo} title="Redo (Ctrl+Shift+Z)">
          <Icon name="redo" size={16} />
          <span>Redo</span>
        </button>
        <button type="button" className="tool" onClick={onFit}>
          <Icon name="fit" size={16} />
          <span>Fit view</span>
        </button>
        <span className="sep" aria-hidden="true" />
        <button type="button" className="tool" onClick={() => onTogglePanel("versions")} aria-pressed={panel === "versions"}>
          <Icon name="history" size={16} />
          <span>Versions</span>
        </button>
        <button type="button" className="tool" onClick={() => onTogglePanel("conversations")} aria-pressed={panel === "conversations"}>
          <Icon name="list" size={16} />
          <span>Conversations</span>
        </button>
        <button type="button" className="tool" onClick={onExport} disabled={busy === "export"}>
          <Icon name="download" size={16} />
          <span>Export</span>
        </button>
      </div>
      <span className="sep" aria-hidden="true" />
      {/* A disabled button gets no pointer events: its wrapper carries the tooltip saying which role it needs */}
      <span className="role-gate" title={canPreview ? undefined : NEEDS["flows.preview_flow"]}>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => onTogglePanel("preview")}
          aria-pressed={panel === "preview"}
          disabled={!canPreview}
          aria-description={canPreview ? undefined : NEEDS["flows.preview_flow"]}
        >
          <Icon name="chat" size={16} />
          Preview
        </button>
      </span>
      <span className="role-gate" title={canPublish ? undefined : NEEDS["flows.publish_flow"]}>
        <button
          type="button"
          className="btn btn-primary"
          onClick={onPublish}
          disabled={busy === "publish" || !canPublish}
          aria-description={canPublish ? undefined : NEEDS["flows.publish_flow"]}
        >
          <Icon name="rocket" size={16} />
          {busy === "publish" ? "Publishing…" : "Publish"}
        </button>
      </span>
      <button type="button" className="btn btn-secondary" onClick={() => onTogglePanel("share")} aria-pressed={panel === "share"}>
        <Icon name="globe" size={16} />
        Share
      </button>
    </div>
  );
}
