// Changes to the graph from the canvas (moves, deletions, drags): each recorded for undo and saved a moment later.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { type MutableRefObject, useCallback, useRef } from "react";
import type { FlowEdge, FlowNode, GraphDocument } from "../api/types";
import { snapshot } from "./graph";
import type { AutoSaver } from "./saver";
import type { RecordOptions } from "./undo";
import type { GraphState } from "./useGraph";
import type { Undo } from "./useUndo";

export type Commit = (nodes: FlowNode[], edges: FlowEdge[], record: RecordOptions | null) => void;

export interface GraphChanges {
  /** A change to the graph: recorded for undo (unless `record` is null) and saved a moment later. */
  commit: Commit;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  onDragStart: () => void;
  onDragStop: () => void;
  /** Whether a node is being dragged now. */
  dragging: MutableRefObject<boolean>;
}

export function useGraphChanges(
  graph: GraphState,
  canEdit: boolean,
  { history, refreshUndo }: Pick<Undo, "history" | "refreshUndo">,
  saver: AutoSaver<GraphDocument>,
): GraphChanges {
  const { nodesRef, edgesRef, setGraph } = graph;
  const dragging = useRef(false);

  const commit = useCallback(
    (nextNodes: FlowNode[], nextEdges: FlowEdge[], record: RecordOptions | null) => {
      if (!canEdit) return; // the canvas is read-only for this role (the API would refuse the save too)
      if (record) history.record(snapshot(nodesRef.current, edgesRef.current), record);
      setGraph(nextNodes, nextEdges);
      refreshUndo();
      saver.changed();
    },
    [canEdit, history, setGraph, refreshUndo, saver, nodesRef, edgesRef],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      let changed = false;
      let record: RecordOptions | null = null;
      for (const c of changes) {
        if (c.type === "remove") {
          changed = true;
          record = { key: "delete", windowMs: 300 };
        } else if (c.type === "position" && c.position && !c.dragging) {
          changed = true;
          if (!dragging.current && !record) record = { key: "keyboard-move", windowMs: 1000 };
        } else if (c.type === "add" || c.type === "replace") {
          changed = true;
          record = record ?? {};
        }
      }
      const next = applyNodeChanges(changes, nodesRef.current);
      if (changed) commit(next, edgesRef.current, record);
      else if (changes.every((c) => c.type === "dimensions")) {
        // React Flow has the measurements already: keep them for the next update without rendering the whole
        // canvas again for them (that second pass is a third of opening a thousand-node flow).
        nodesRef.current = next;
      } else setGraph(next, edgesRef.current);
    },
    [commit, setGraph, nodesRef, edgesRef],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      const removing = changes.some((c) => c.type === "remove");
      const next = applyEdgeChanges(changes, edgesRef.current);
      if (removing) commit(nodesRef.current, next, { key: "delete", windowMs: 300 });
      else setGraph(nodesRef.current, next);
    },
    [commit, setGraph, nodesRef, edgesRef],
  );

  const onDragStart = useCallback(() => {
    dragging.current = true;
    history.record(snapshot(nodesRef.current, edgesRef.current));
    refreshUndo();
  }, [history, refreshUndo, nodesRef, edgesRef]);
  const onDragStop = useCallback(() => {
    dragging.current = false;
    history.seal();
  }, [history]);
  return { commit, onNodesChange, onEdgesChange, onDragStart, onDragStop, dragging };
}
