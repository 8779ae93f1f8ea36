// Keeping a step in the part of the canvas that no panel covers.
import { useReactFlow } from "@xyflow/react";
import { type MutableRefObject, type RefObject, useCallback, useRef } from "react";
import type { FlowEdge, FlowNode } from "../api/types";
import { NODE_WIDTH } from "./layout";
import { revealShift, visibleArea } from "./reveal";

const ADD_BUTTON_ROOM = 40; // the "+" beside a selected node's outputs, kept in view with it
const PAN_MS = 250;

type Viewport = { x: number; y: number; zoom: number };

/** `revealSoon(id, centre)`: after React has drawn what changed, pans so the node is in view (see `reveal`). */
export function useKeepInView(
  wrapper: RefObject<HTMLDivElement | null>,
  dragging: MutableRefObject<boolean>,
): (id: string, centre?: boolean) => number {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  // Where a pan still under way will end. Two steps revealed in quick succession (a run lights one step after
  // another, often in the same frame) must be placed against where the canvas is going, not where it is: measured
  // against the present, the second looks in view already, and the first one's pan then carries it out of view.
  const heading = useRef<{ to: Viewport; until: number } | null>(null);
  /** Pan so the node is in the part of the canvas no panel covers: centred there (`centre`), or moved just
   * enough (nothing moves when it is in view already). */
  const reveal = useCallback(
    (id: string, centre = false) => {
      const pane = wrapper.current;
      const node = rf.getInternalNode(id);
      // not under a node being dragged (dragging selects it): the canvas would slide away from the pointer
      if (!pane || !node || dragging.current) return;
      const covers = [...(pane.parentElement?.querySelectorAll(".palette, .settings, .side") ?? [])].map((el) => el.getBoundingClientRect());
      const area = visibleArea(pane.getBoundingClientRect(), covers);
      if (area.right - area.left < 40 || area.bottom - area.top < 40) return; // nothing to pan into
      const going = heading.current && performance.now() < heading.current.until ? heading.current.to : null;
      let { x, y, zoom } = going ?? rf.getViewport();
      if (centre) zoom = Math.max(zoom, 0.8);
      const at = pane.getBoundingClientRect();
      // with room on the right for the selected node's "+" (drawn beside its outputs)
      const w = ((node.measured.width ?? NODE_WIDTH) + ADD_BUTTON_ROOM) * zoom;
      const h = (node.measured.height ?? 80) * zoom;
      const left = at.left + x + node.internals.positionAbsolute.x * zoom;
      const top = at.top + y + node.internals.positionAbsolute.y * zoom;
      const dx = revealShift(left, w, area.left, area.right, centre);
      const dy = revealShift(top, h, area.top, area.bottom, centre);
      if (!dx && !dy && zoom === (going ? going.zoom : rf.getZoom())) return;
      const to = { x: x + dx, y: y + dy, zoom };
      const pan = { to, until: performance.now() + PAN_MS + 750 }; // or until the pan says it ended
      heading.current = pan;
      void rf.setViewport(to, { duration: PAN_MS }).then(() => {
        if (heading.current === pan) heading.current = null;
      });
    },
    [rf, wrapper, dragging],
  );
  // After React has drawn what changed (a panel opening moves the canvas's edges), not before.
  return useCallback((id: string, centre = false) => requestAnimationFrame(() => reveal(id, centre)), [reveal]);
}
