// Selecting one step (or none): from a problem, the trace, or Escape; the selected step is brought into view.
import { useCallback } from "react";
import type { Problem } from "../api/types";
import type { GraphState } from "./useGraph";

export function useSelection(graph: GraphState, revealSoon: (id: string, centre?: boolean) => number) {
  const { nodesRef, edgesRef, setGraph } = graph;
  const selectOnly = useCallback(
    (id: string | null, centre = false) => {
      const next = nodesRef.current.map((n) => {
        const want = n.id === id;
        return !!n.selected === want ? n : { ...n, selected: want };
      });
      const nextEdges = edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e));
      setGraph(next, nextEdges);
      if (centre && id) revealSoon(id, true);
    },
    [revealSoon, setGraph, nodesRef, edgesRef],
  );
  const selectProblem = useCallback(
    (p: Problem) => {
      if (p.node_id) selectOnly(p.node_id, true);
    },
    [selectOnly],
  );
  const selectFromTrace = useCallback(
    (id: string) => {
      if (nodesRef.current.some((n) => n.id === id)) selectOnly(id, true);
    },
    [selectOnly, nodesRef],
  );
  return { selectOnly, selectProblem, selectFromTrace };
}
