// The trace of a conversation as steps arrive (live frames or stored runs): the list the trace panel shows,
// and what each node and edge on the canvas looks like meanwhile.
import type { Run, StepFrame, StepStatus, TraceFrame } from "../api/types";

export interface TraceStep {
  key: string;
  runId: string;
  seq: number;
  nodeId: string;
  nodeType: string;
  status: StepStatus;
  durationMs: number | null;
  input: unknown;
  output: unknown;
  error: string | null;
  handle: string | null;
}

export interface TraceRun {
  runId: string;
  status: string | null;
  error: string | null;
}

export interface TraceState {
  steps: TraceStep[];
  runs: TraceRun[];
}

export const emptyTrace: TraceState = { steps: [], runs: [] };

export function stepStatus(status: string | undefined, finished: boolean): StepStatus {
  if (!finished) return "running";
  return status === "failed" ? "failed" : "succeeded";
}

function stepFromFrame(frame: StepFrame): TraceStep {
  const finished = frame.event === "step.finished";
  return {
    key: `${frame.run_id}:${frame.seq}`,
    runId: frame.run_id,
    seq: frame.seq,
    nodeId: frame.node_id,
    nodeType: frame.node_type,
    status: stepStatus(frame.status, finished),
    durationMs: finished && typeof frame.duration_ms === "number" ? frame.duration_ms : null,
    input: frame.input ?? null,
    output: frame.output ?? null,
    error: frame.error || null,
    handle: frame.handle || null,
  };
}

/** The trace after one frame; frames of the same step merge (a finished step never goes back to running). */
export function applyFrame(state: TraceState, frame: TraceFrame): TraceState {
  if (frame.event === "run.finished") {
    const runs = state.runs.filter((r) => r.runId !== frame.run_id);
    return { ...state, runs: [...runs, { runId: frame.run_id, status: frame.status, error: frame.error || null }] };
  }
  const step = stepFromFrame(frame);
  const runs = state.runs.some((r) => r.runId === frame.run_id)
    ? state.runs
    : [...state.runs, { runId: frame.run_id, status: null, error: null }];
  const index = state.steps.findIndex((s) => s.key === step.key);
  if (index === -1) return { runs, steps: [...state.steps, step] };
  const old = state.steps[index];
  if (frame.event === "step.started" && old.status !== "running") return { ...state, runs };
  const steps = state.steps.slice();
  steps[index] = step;
  return { runs, steps };
}

/** The frames a stored conversation's runs amount to, in order: for replaying it on the canvas. */
export function framesFromRuns(runs: Run[], conversationId: string): TraceFrame[] {
  const frames: TraceFrame[] = [];
  for (const run of runs) {
    for (const step of [...run.steps].sort((a, b) => a.seq - b.seq)) {
      const base = { run_id: run.id, conversation_id: conversationId, seq: step.seq, node_id: step.node_id, node_type: step.node_type };
      frames.push({ ...base, event: "step.started", status: "running" });
      frames.push({
        ...base,
        event: "step.finished",
        status: step.status,
        duration_ms: step.duration_ms,
        input: step.input,
        output: step.output,
        error: step.error ?? null,
        handle: step.handle ?? null,
      });
    }
    frames.push({
      event: "run.finished",
      run_id: run.id,
      conversation_id: conversationId,
      status: run.status ?? "completed",
      error: run.error ?? null,
      duration_ms: run.duration_ms ?? undefined,
    });
  }
  return frames;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
