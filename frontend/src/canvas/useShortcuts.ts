// The editor's keys: Escape closes the settings; Ctrl/Cmd with Z, Y, C, V and S undo, redo, copy, paste and save.
import { type MutableRefObject, useEffect } from "react";
import type { FlowNode } from "../api/types";

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export interface ShortcutActions {
  undo: () => void;
  redo: () => void;
  copy: () => boolean;
  paste: () => boolean;
  saver: { flush: () => Promise<unknown> };
  selectOnly: (id: string | null) => void;
}

export function useShortcuts(nodesRef: MutableRefObject<FlowNode[]>, { undo, redo, copy, paste, saver, selectOnly }: ShortcutActions) {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape" && !event.defaultPrevented && nodesRef.current.some((n) => n.selected)) {
        // Escape closes the settings (from inside them too), as it closes a dialog
        const inPanel = (event.target as HTMLElement | null)?.closest?.(".settings");
        if (inPanel || !isTyping(event.target)) {
          const id = nodesRef.current.find((n) => n.selected)?.id;
          selectOnly(null);
          if (inPanel && id) {
            // focus goes back to the step whose settings closed
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus());
          }
          return;
        }
      }
      if (isTyping(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        redo();
      } else if (key === "c") {
        if (copy()) event.preventDefault();
      } else if (key === "v") {
        if (paste()) event.preventDefault();
      } else if (key === "s") {
        event.preventDefault();
        void saver.flush();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [undo, redo, copy, paste, saver, selectOnly, nodesRef]);
}
