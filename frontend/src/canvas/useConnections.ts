// Connecting steps: which connections the canvas allows, and a sentence when one is refused.
import { type Connection, type FinalConnectionState, useReactFlow } from "@xyflow/react";
import { useCallback } from "react";
import type { FlowEdge, FlowNode, NodeTypeInfo } from "../api/types";
import type { ShowToast } from "../ui/Toast";
import { connectionProblem, newEdgeId } from "./connections";
import type { GraphState } from "./useGraph";
import type { Commit } from "./useGraphChanges";

export function useConnections(
  graph: GraphState,
  typeOf: (key: string) => NodeTypeInfo | undefined,
  commit: Commit,
  showToast: ShowToast,
) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const { nodesRef, edgesRef } = graph;
  const connectionContext = useCallback(
    () => ({
      nodeById: (id: string) => rf.getNode(id) ?? nodesRef.current.find((n) => n.id === id),
      typeOf,
      edges: edgesRef.current,
    }),
    [rf, typeOf, nodesRef, edgesRef],
  );
  const isValidConnection = useCallback(
    (c: Connection | FlowEdge) => connectionProblem(c, connectionContext()) === null,
    [connectionContext],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (connectionProblem(c, connectionContext()) !== null) return;
      const handle = c.sourceHandle ?? "next";
      const edge: FlowEdge = { id: newEdgeId(c.source, handle, edgesRef.current), source: c.source, sourceHandle: handle, target: c.target };
      commit(nodesRef.current, [...edgesRef.current, edge], {});
    },
    [commit, connectionContext, nodesRef, edgesRef],
  );
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const reason = connectionProblem(
        { source: state.fromNode.id, sourceHandle: state.fromHandle?.id ?? null, target: state.toNode.id, targetHandle: null },
        connectionContext(),
      );
      if (reason) showToast(reason, "error");
    },
    [connectionContext, showToast],
  );
  return { isValidConnection, onConnect, onConnectEnd };
}
