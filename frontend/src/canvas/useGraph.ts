// The graph being edited: refs are the truth for callbacks (read at call time), state mirrors them for render.
import { type MutableRefObject, useCallback, useRef, useState } from "react";
import type { FlowEdge, FlowNode } from "../api/types";
import type { fromGraph } from "./graph";

export type InitialGraph = ReturnType<typeof fromGraph>;

export interface GraphState {
  /** The document's fields besides nodes and edges, saved back as they came. */
  rest: MutableRefObject<InitialGraph["rest"]>;
  nodes: FlowNode[];
  edges: FlowEdge[];
  nodesRef: MutableRefObject<FlowNode[]>;
  edgesRef: MutableRefObject<FlowEdge[]>;
  /** Both lists at once; a list that is the same object as before renders nothing. */
  setGraph: (nodes: FlowNode[], edges: FlowEdge[]) => void;
}

export function useGraph(initial: InitialGraph): GraphState {
  const rest = useRef(initial.rest);
  const [nodes, setNodesState] = useState<FlowNode[]>(initial.nodes);
  const [edges, setEdgesState] = useState<FlowEdge[]>(initial.edges);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);

  const setGraph = useCallback((nextNodes: FlowNode[], nextEdges: FlowEdge[]) => {
    if (nextNodes !== nodesRef.current) {
      nodesRef.current = nextNodes;
      setNodesState(nextNodes);
    }
    if (nextEdges !== edgesRef.current) {
      edgesRef.current = nextEdges;
      setEdgesState(nextEdges);
    }
  }, []);
  return { rest, nodes, edges, nodesRef, edgesRef, setGraph };
}
