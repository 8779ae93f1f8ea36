// Zoomed far out, a node's words are too small to read: they are not painted then (the cards, their colours,
// run states and the edges are), which keeps a thousand-node flow smooth to pan.
import { type ReactFlowState, useStore } from "@xyflow/react";
import { useCallback, useState } from "react";
import type { FlowNode } from "../api/types";
import { NODE_WIDTH } from "./layout";

const FAR_ZOOM = 0.4;

/** Whether the canvas is zoomed out past FAR_ZOOM now, and the store selector that says it (stable: the nodes
 * subscribe with it too, to be drawn as light cards, nodes/FlowNode.tsx). */
export function useFarZoom(initialNodes: FlowNode[]): { far: boolean; isFar: (state: ReactFlowState) => boolean } {
  // A big flow opens zoomed far out (fit view): drawn that way from the first frame, not in full and then again.
  const [opensFar] = useState(() => {
    let right = -Infinity;
    let bottom = -Infinity;
    let left = Infinity;
    let top = Infinity;
    for (const n of initialNodes) {
      left = Math.min(left, n.position.x);
      top = Math.min(top, n.position.y);
      right = Math.max(right, n.position.x + (n.measured?.width ?? NODE_WIDTH));
      bottom = Math.max(bottom, n.position.y + (n.measured?.height ?? 80));
    }
    if (!initialNodes.length) return false;
    const zoom = Math.min(window.innerWidth / (right - left), window.innerHeight / (bottom - top));
    return zoom < FAR_ZOOM / 2;
  });
  const isFar = useCallback(
    (s: ReactFlowState) => s.transform[2] < FAR_ZOOM || (opensFar && s.transform[0] === 0 && s.transform[1] === 0 && s.transform[2] === 1),
    [opensFar],
  );
  return { far: useStore(isFar), isFar };
}
