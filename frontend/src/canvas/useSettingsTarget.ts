// The one selected step whose settings are open, and what its form needs: its problems and the variables it may use.
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { NodeTypeInfo, Problem } from "../api/types";
import { jsonEqual } from "./schema";
import type { GraphState } from "./useGraph";
import { savedVariables, type VariableChoices, variablesFor } from "./variables";

/** The same object as last time while the value is equal, so memoized children do not re-render. */
function useStable<T>(value: T): T {
  const ref = useRef(value);
  if (!jsonEqual(ref.current, value)) ref.current = value;
  return ref.current;
}

export function useSettingsTarget(
  graph: GraphState,
  problems: Problem[],
  typeOf: (key: string) => NodeTypeInfo | undefined,
  revealSoon: (id: string) => number,
) {
  const { nodes, edges, nodesRef, edgesRef } = graph;
  const selected = useMemo(() => nodes.filter((n) => n.selected), [nodes]);
  const current = selected.length === 1 ? selected[0] : null;
  // A node selected (clicked, dropped, added) is kept out from under its settings.
  const currentId = current?.id ?? null;
  useEffect(() => {
    if (!currentId) return;
    const frame = revealSoon(currentId);
    return () => cancelAnimationFrame(frame);
  }, [currentId, revealSoon]);
  const currentProblems = useMemo(
    () => (current ? problems.filter((p) => p.node_id === current.id && (!p.edge_id || p.field)) : []),
    [current, problems],
  );
  const variables: VariableChoices = useStable(
    useMemo(() => (current ? variablesFor(current.id, nodes, edges, typeOf) : { before: [], elsewhere: [] }), [current, nodes, edges, typeOf]),
  );
  const allVariables: string[] = useStable(
    useMemo(() => {
      if (!current) return [];
      const names = new Set<string>();
      for (const n of nodes) for (const v of savedVariables(typeOf(n.type ?? ""), n.data)) names.add(v);
      return [...names].sort();
    }, [current, nodes, typeOf]),
  );
  const handleConnected = useCallback(
    (handle: string) => {
      const id = nodesRef.current.find((n) => n.selected)?.id;
      return edgesRef.current.some((e) => e.source === id && e.sourceHandle === handle);
    },
    [nodesRef, edgesRef],
  );
  return { current, currentProblems, variables, allVariables, handleConnected };
}
