// The flow's problems: the list for the toolbar and the settings, and per node and edge for the canvas.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Flow, Problem } from "../api/types";
import { type EdgeRunState, type NodeRunState, ViewStore } from "./runtime";
import { jsonEqual } from "./schema";

/** View state outside the graph: run lighting and problems, per node and edge. */
export interface ViewStores {
  nodeViews: ViewStore<NodeRunState>;
  edgeViews: ViewStore<EdgeRunState>;
}

function sameProblems(a: Problem[], b: Problem[]): boolean {
  return jsonEqual(a, b);
}

export function useViewStores(): ViewStores {
  return useMemo(
    () => ({
      nodeViews: new ViewStore<NodeRunState>(),
      edgeViews: new ViewStore<EdgeRunState>(),
    }),
    [],
  );
}

export function useProblems(
  stores: ViewStores,
  flowProblems: Flow["problems"],
): { problems: Problem[]; applyProblems: (list: Problem[]) => void } {
  const [problems, setProblems] = useState<Problem[]>(flowProblems ?? []);
  const applyProblems = useCallback(
    (list: Problem[]) => {
      const byNode = new Map<string, Problem[]>();
      const byEdge = new Map<string, Problem[]>();
      for (const p of list) {
        if (p.edge_id) byEdge.set(p.edge_id, [...(byEdge.get(p.edge_id) ?? []), p]);
        if (p.node_id && !p.edge_id) byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p]);
        if (p.node_id && p.edge_id && p.field) byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p]);
      }
      stores.nodeViews.problems.replace(byNode, sameProblems);
      stores.edgeViews.problems.replace(byEdge, sameProblems);
      setProblems((old) => (jsonEqual(old, list) ? old : list));
    },
    [stores],
  );
  useEffect(() => {
    applyProblems(flowProblems ?? []);
  }, [applyProblems, flowProblems]);
  return { problems, applyProblems };
}
