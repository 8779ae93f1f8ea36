// Undo and redo of the graph: snapshots before each recorded change; stepping back saves like any change.
import { useCallback, useRef, useState } from "react";
import type { GraphDocument } from "../api/types";
import { restore, type Snapshot, snapshot } from "./graph";
import type { AutoSaver } from "./saver";
import { History } from "./undo";
import type { GraphState } from "./useGraph";

export interface Undo {
  history: History<Snapshot>;
  /** Whether there is anything to undo or redo (for the toolbar's buttons). */
  undoable: { undo: boolean; redo: boolean };
  refreshUndo: () => void;
  undo: () => void;
  redo: () => void;
}

export function useUndo(graph: GraphState, saver: AutoSaver<GraphDocument>): Undo {
  const { nodesRef, edgesRef, setGraph } = graph;
  const history = useRef(new History<Snapshot>()).current;
  const [undoable, setUndoable] = useState({ undo: false, redo: false });
  const refreshUndo = useCallback(() => setUndoable({ undo: history.canUndo, redo: history.canRedo }), [history]);

  const undo = useCallback(() => {
    const previous = history.undo(snapshot(nodesRef.current, edgesRef.current));
    if (!previous) return;
    const back = restore(previous, nodesRef.current, edgesRef.current);
    setGraph(back.nodes, back.edges);
    refreshUndo();
    saver.changed();
  }, [history, setGraph, refreshUndo, saver, nodesRef, edgesRef]);
  const redo = useCallback(() => {
    const next = history.redo(snapshot(nodesRef.current, edgesRef.current));
    if (!next) return;
    const back = restore(next, nodesRef.current, edgesRef.current);
    setGraph(back.nodes, back.edges);
    refreshUndo();
    saver.changed();
  }, [history, setGraph, refreshUndo, saver, nodesRef, edgesRef]);
  return { history, undoable, refreshUndo, undo, redo };
}
