// Two tabs, one draft: a save refused because the draft was saved elsewhere shows what differs, then reloads
// theirs or overwrites it; restoring a published version into the draft moves the revision on as well.
import { useReactFlow } from "@xyflow/react";
import { useCallback, useState } from "react";
import { errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Flow, FlowEdge, FlowNode, GraphDocument, Problem } from "../api/types";
import type { ShowToast } from "../ui/Toast";
import { diffGraphs, type GraphDifference } from "./conflict";
import { fromGraph, snapshot, toGraph } from "./graph";
import type { DraftSaver } from "./useDraftSaver";
import type { GraphState } from "./useGraph";
import type { Undo } from "./useUndo";

export interface Conflict {
  theirs: Flow;
  diff: GraphDifference;
}

export function useRevisionConflict(
  flowId: number,
  graph: GraphState,
  { saver, revision, conflictSeen }: DraftSaver,
  { history, refreshUndo }: Pick<Undo, "history" | "refreshUndo">,
  applyProblems: (list: Problem[]) => void,
  clearLighting: () => void,
  showToast: ShowToast,
) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const { nodesRef, edgesRef, rest, setGraph } = graph;
  const [conflict, setConflict] = useState<Conflict | null>(null);

  const restoreVersion = useCallback(
    async (number: number) => {
      try {
        if (!(await saver.flush())) throw new Error("the current draft could not be saved first");
        const before = snapshot(nodesRef.current, edgesRef.current);
        const restored = await api.restoreVersion(flowId, number);
        revision.current = restored.revision ?? revision.current;
        const restoredGraph = fromGraph(restored.graph);
        history.record(before);
        rest.current = restoredGraph.rest;
        setGraph(restoredGraph.nodes, restoredGraph.edges);
        saver.baseline(toGraph(restoredGraph.nodes, restoredGraph.edges, restoredGraph.rest));
        applyProblems(restored.problems ?? []);
        refreshUndo();
        clearLighting();
        showToast(`Version ${number} restored into the draft. Undo brings the previous draft back.`, "success");
        window.requestAnimationFrame(() => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 300 }));
      } catch (exc) {
        showToast(`Could not restore version ${number}: ${errorMessage(exc)}`, "error");
      }
    },
    [saver, flowId, history, setGraph, applyProblems, refreshUndo, clearLighting, showToast, rf, nodesRef, edgesRef, rest, revision],
  );

  const showConflict = useCallback(async () => {
    try {
      const theirs = await api.flow(flowId);
      const mine = toGraph(nodesRef.current, edgesRef.current, rest.current);
      // The API types a graph loosely (a node may lack fields: the server reports that as a problem, not an error).
      setConflict({ theirs, diff: diffGraphs(mine, theirs.graph as unknown as GraphDocument) });
    } catch (exc) {
      showToast(`This flow was changed elsewhere, and loading that version failed: ${errorMessage(exc)}`, "error");
    }
  }, [flowId, showToast, nodesRef, edgesRef, rest]);
  conflictSeen.current = () => void showConflict();
  const reloadTheirs = useCallback(() => {
    if (!conflict) return;
    const { theirs } = conflict;
    history.record(snapshot(nodesRef.current, edgesRef.current)); // Undo brings this tab's draft back
    const theirGraph = fromGraph(theirs.graph);
    rest.current = theirGraph.rest;
    revision.current = theirs.revision ?? revision.current;
    setGraph(theirGraph.nodes, theirGraph.edges);
    saver.baseline(toGraph(theirGraph.nodes, theirGraph.edges, theirGraph.rest));
    applyProblems(theirs.problems ?? []);
    refreshUndo();
    setConflict(null);
    showToast("Loaded the draft saved elsewhere. Undo brings this tab's changes back.", "success");
  }, [conflict, history, setGraph, saver, applyProblems, refreshUndo, showToast, nodesRef, edgesRef, rest, revision]);
  const overwriteTheirs = useCallback(async () => {
    if (!conflict) return;
    revision.current = conflict.theirs.revision ?? revision.current;
    setConflict(null);
    if (await saver.overwrite()) showToast("Saved this tab's draft over the other one.", "success");
  }, [conflict, saver, showToast, revision]);
  return { conflict, showConflict, reloadTheirs, overwriteTheirs, restoreVersion };
}
