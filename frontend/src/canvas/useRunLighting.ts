// Lighting up the canvas: live frames of the preview conversation, or a replay of stored steps.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { api } from "../api/endpoints";
import type { Conversation, FlowEdge, GraphDocument, PreviewReply, Problem, TraceFrame } from "../api/types";
import type { ShowToast } from "../ui/Toast";
import type { AutoSaver } from "./saver";
import { applyFrame, emptyTrace, framesFromRuns, type TraceState } from "./trace";
import type { ViewStores } from "./useProblems";
import { useTraceSocket } from "./useTraceSocket";

const REPLAY_STEP_MS = 260;

export function useRunLighting(
  flowId: number,
  edgesRef: { current: FlowEdge[] },
  stores: ViewStores,
  revealSoon: (id: string) => number,
  saver: AutoSaver<GraphDocument>,
  applyProblems: (list: Problem[]) => void,
  showToast: ShowToast,
) {
  const [trace, setTrace] = useState<TraceState>(emptyTrace);
  const watching = useRef<string | null>(null);
  const buffered = useRef<TraceFrame[] | null>(null);
  const light = useCallback(
    (frame: TraceFrame) => {
      if (frame.event === "step.started") {
        stores.nodeViews.runs.set(frame.node_id, { status: "running", durationMs: null });
        revealSoon(frame.node_id); // the running step is what to watch: never behind the preview or the settings
      } else if (frame.event === "step.finished") {
        stores.nodeViews.runs.set(frame.node_id, {
          status: frame.status === "failed" ? "failed" : "succeeded",
          durationMs: typeof frame.duration_ms === "number" ? frame.duration_ms : null,
        });
        if (frame.handle) {
          const edge = edgesRef.current.find((e) => e.source === frame.node_id && (e.sourceHandle ?? "next") === frame.handle);
          if (edge) stores.edgeViews.runs.set(edge.id, { taken: true });
        }
      }
      // step.delta (a reply being streamed) leaves the node as its started frame lit it: only the trace keeps the
      // text, per stream, for the trace list and the preview chat
      setTrace((t) => applyFrame(t, frame));
    },
    [stores, revealSoon, edgesRef],
  );
  const clearLighting = useCallback(() => {
    stores.nodeViews.runs.clear();
    stores.edgeViews.runs.clear();
    setTrace(emptyTrace);
  }, [stores]);

  const socket = useTraceSocket(flowId, (frame) => {
    if (watching.current && frame.conversation_id === watching.current) light(frame);
    else if (buffered.current && buffered.current.length < 2000) buffered.current.push(frame);
  });

  const replayTimers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const [replaying, setReplaying] = useState<string | null>(null);
  const stopReplay = useCallback(() => {
    replayTimers.current.forEach(clearTimeout);
    replayTimers.current = [];
    setReplaying(null);
  }, []);
  useEffect(() => stopReplay, [stopReplay]);

  /** Leaving the live or replayed view: the canvas goes back to plain. */
  const stopWatching = useCallback(() => {
    watching.current = null;
    stopReplay();
    clearLighting();
  }, [stopReplay, clearLighting]);

  const startPreview = useCallback(async (): Promise<PreviewReply> => {
    stopReplay();
    clearLighting();
    watching.current = null;
    if (!(await saver.flush())) throw new Error("The draft could not be saved, so the preview cannot start. Try again in a moment.");
    buffered.current = [];
    try {
      const reply = await api.startPreview(flowId);
      watching.current = reply.id;
      const early = (buffered.current ?? []).filter((f) => f.conversation_id === reply.id);
      buffered.current = null;
      early.forEach(light);
      return reply;
    } catch (exc) {
      buffered.current = null;
      if (exc instanceof ApiError && exc.problems.length) applyProblems(exc.problems);
      throw exc;
    }
  }, [stopReplay, clearLighting, saver, flowId, light, applyProblems]);

  const replay = useCallback(
    async (conversation: Conversation) => {
      stopReplay();
      clearLighting();
      watching.current = null;
      setReplaying(conversation.id);
      try {
        const runs = await api.runs(conversation.id);
        const frames = framesFromRuns(runs, conversation.id);
        if (!frames.length) {
          showToast("This conversation has no stored steps to replay.");
          setReplaying(null);
          return;
        }
        let at = 0;
        for (const frame of frames) {
          replayTimers.current.push(setTimeout(() => light(frame), at));
          if (frame.event !== "run.finished") at += frame.event === "step.started" ? REPLAY_STEP_MS : REPLAY_STEP_MS / 2;
        }
        replayTimers.current.push(setTimeout(() => setReplaying(null), at + 50));
      } catch (exc) {
        setReplaying(null);
        showToast(errorMessage(exc), "error");
      }
    },
    [stopReplay, clearLighting, light, showToast],
  );
  return { trace, socket, replaying, stopReplay, stopWatching, clearLighting, startPreview, replay };
}
