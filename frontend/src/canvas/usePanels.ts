// Which side panel is open (preview, versions, conversations, share), and what opening one does to the canvas.
import { type MutableRefObject, useCallback, useState } from "react";
import type { FlowNode } from "../api/types";

export type Panel = "preview" | "versions" | "conversations" | "share" | null;

export function usePanels(
  nodesRef: MutableRefObject<FlowNode[]>,
  stopWatching: () => void,
  selectOnly: (id: string | null) => void,
  revealSoon: (id: string) => number,
) {
  const [panel, setPanel] = useState<Panel>(null);
  const togglePanel = useCallback(
    (next: Panel) => {
      // leaving the live or replayed view: the canvas goes back to plain
      if (panel === "preview" || panel === "conversations") stopWatching();
      const opening = panel === next ? null : next;
      const focus = nodesRef.current.find((n) => n.selected)?.id;
      // the canvas is what to watch while chatting or replaying: the settings make way
      if (opening === "preview" || opening === "conversations") selectOnly(null);
      setPanel(opening);
      // the canvas is narrower (or wider) now: the step that was selected stays in view
      if (focus) revealSoon(focus);
    },
    [panel, stopWatching, selectOnly, revealSoon, nodesRef],
  );
  return { panel, setPanel, togglePanel };
}
