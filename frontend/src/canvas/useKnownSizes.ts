// Measuring a node React Flow already has the size of, and the first fit of the view.
import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useState } from "react";
import type { FlowEdge, FlowNode } from "../api/types";

/** Installs the skip of known sizes; returns the `onInit` that fits the view once the pan-zoom is ready. */
export function useKnownSizes(initialCount: number): () => void {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  // React Flow measures every node again when its ResizeObserver first sees it, even one that came with its size
  // and handles (canvas/sizes.ts): for a thousand nodes that is a second pass over the whole canvas. Its observer's
  // calls (one argument; useUpdateNodeInternals passes options) skip nodes drawn at the size React Flow has.
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  useState(() => {
    const measure = flowStore.getState().updateNodeInternals;
    const skipKnown: typeof measure = (updates, ...rest) => {
      if (rest.length) return measure(updates, ...rest);
      const { nodeLookup } = flowStore.getState();
      const todo = new Map(updates);
      for (const [id, update] of updates) {
        const node = nodeLookup.get(id);
        const el = update.nodeElement as HTMLElement;
        if (node?.internals.handleBounds && node.measured.width === el.offsetWidth && node.measured.height === el.offsetHeight) todo.delete(id);
      }
      if (todo.size) measure(todo);
    };
    flowStore.setState({ updateNodeInternals: skipKnown });
    return null;
  });
  // React Flow fits the view when the nodes are measured or handed over with the pan-zoom ready; nodes that come
  // measured may be handed over before it is (then its fit does nothing): fit once it is, if nothing moved yet.
  return useCallback(() => {
    const [x, y, zoom] = flowStore.getState().transform;
    if (initialCount && x === 0 && y === 0 && zoom === 1) void rf.fitView({ padding: 0.2, maxZoom: 1 });
  }, [flowStore, initialCount, rf]);
}
