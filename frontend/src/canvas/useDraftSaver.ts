// Saving the draft: a moment after each change, from the revision it was made from, and once more on leaving.
import { type MutableRefObject, useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { api } from "../api/endpoints";
import type { Flow, GraphDocument, Problem } from "../api/types";
import type { ShowToast } from "../ui/Toast";
import { toGraph } from "./graph";
import { AutoSaver, type SaveState } from "./saver";
import type { GraphState, InitialGraph } from "./useGraph";

export interface DraftSaver {
  saver: AutoSaver<GraphDocument>;
  saveState: SaveState;
  saveError: string | null;
  /** The revision the draft here was made from: a save from it is refused if the draft was saved elsewhere since. */
  revision: MutableRefObject<number>;
  /** Called when a save is refused as a conflict (the conflict dialog sets it). */
  conflictSeen: MutableRefObject<(() => void) | null>;
}

export function useDraftSaver(
  flowId: number,
  flowRevision: Flow["revision"],
  initial: InitialGraph,
  graph: GraphState,
  applyProblems: (list: Problem[]) => void,
  showToast: ShowToast,
): DraftSaver {
  const { nodesRef, edgesRef, rest } = graph;
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const revision = useRef(flowRevision ?? 0);
  const conflictSeen = useRef<(() => void) | null>(null);
  const saver = useMemo(
    () =>
      new AutoSaver({
        save: async (doc) => {
          const saved = await api.saveGraph(flowId, doc, revision.current);
          revision.current = saved.revision ?? revision.current + 1;
          applyProblems(saved.problems ?? []);
        },
        current: () => toGraph(nodesRef.current, edgesRef.current, rest.current),
        isConflict: (exc) => exc instanceof ApiError && exc.status === 409,
        onState: (state, error) => {
          setSaveState(state);
          setSaveError(error ?? null);
          if (state === "error") showToast(`Your changes are not saved yet: ${error}. Trying again in a moment.`, "error");
          if (state === "conflict") conflictSeen.current?.();
        },
      }),
    [flowId, applyProblems, showToast],
  );
  useEffect(() => {
    saver.resume();
    saver.baseline(toGraph(initial.nodes, initial.edges, initial.rest));
    return () => saver.stop();
  }, [saver, initial]);
  useEffect(() => {
    function beforeUnload(event: BeforeUnloadEvent) {
      if (!saver.pending) return;
      const doc = toGraph(nodesRef.current, edgesRef.current, rest.current);
      // From the revision it was made from, so it never overwrites a draft saved elsewhere
      if (!saver.inConflict) void api.saveGraph(flowId, doc, revision.current, true).catch(() => undefined);
      event.preventDefault();
    }
    window.addEventListener("beforeunload", beforeUnload);
    return () => window.removeEventListener("beforeunload", beforeUnload);
  }, [saver, flowId]);
  return { saver, saveState, saveError, revision, conflictSeen };
}
