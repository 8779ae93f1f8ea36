// The trace of a conversation as steps arrive (live frames or stored runs): the list the trace panel shows,
// and what each node and edge on the canvas looks like meanwhile.
import type { DeltaFrame, Run, StepFrame, StepStatus, TraceFrame } from "../api/types";

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
  /** The text the step is writing (its streams), while it runs; once finished, its output has the message. */
  live: string | null;
}

/** A bot message's text as a step streams it, kept per stream: the finished turn's message replaces it. */
export interface TraceStream {
  streamId: string;
  runId: string;
  conversationId: string;
  nodeId: string;
  seq: number;
  text: string;
  /** The step failed: this text is not going to be sent. */
  discarded: boolean;
}

export interface TraceRun {
  runId: string;
  status: string | null;
  error: string | null;
}

export interface TraceState {
  steps: TraceStep[];
  runs: TraceRun[];
  streams: TraceStream[];
}

export const emptyTrace: TraceState = { steps: [], runs: [], streams: [] };

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
    live: null,
  };
}

function withRun(runs: TraceRun[], runId: string): TraceRun[] {
  return runs.some((r) => r.runId === runId) ? runs : [...runs, { runId, status: null, error: null }];
}

/** The trace after one frame; frames of the same step merge (a finished step never goes back to running). */
export function applyFrame(state: TraceState, frame: TraceFrame): TraceState {
  switch (frame.event) {
    case "run.finished": {
      const runs = state.runs.filter((r) => r.runId !== frame.run_id);
      return { ...state, runs: [...runs, { runId: frame.run_id, status: frame.status, error: frame.error || null }] };
    }
    case "step.started":
    case "step.finished":
      return applyStep(state, frame);
    case "step.delta":
      return applyDelta(state, frame);
    default:
      return state; // an event this canvas does not know (a newer server): the stored run has what matters
  }
}

function applyStep(state: TraceState, frame: StepFrame): TraceState {
  const step = stepFromFrame(frame);
  const runs = withRun(state.runs, frame.run_id);
  const index = state.steps.findIndex((s) => s.key === step.key);
  if (index === -1) return { ...state, runs, steps: [...state.steps, step] };
  const old = state.steps[index];
  if (frame.event === "step.started" && old.status !== "running") return { ...state, runs };
  const steps = state.steps.slice();
  // a started frame after the step's first text (a reconnect) keeps the text; a finished one ends it
  steps[index] = frame.event === "step.started" ? { ...step, live: old.live } : step;
  return { ...state, runs, steps };
}

/** The live text of a step: its streams not discarded (null when there is none). */
function liveOf(streams: TraceStream[], runId: string, seq: number): string | null {
  const texts = streams.filter((s) => s.runId === runId && s.seq === seq && !s.discarded && s.text).map((s) => s.text);
  return texts.length ? texts.join("\n\n") : null;
}

/** A piece of streamed text: added to its stream and, while the step runs, to the step's live text. It never
 * changes a step's status, input or output (a delta frame says "running" because it comes from a running step). */
function applyDelta(state: TraceState, frame: DeltaFrame): TraceState {
  const at = state.streams.findIndex((s) => s.streamId === frame.stream_id);
  const old = at === -1 ? null : state.streams[at];
  if (old?.discarded) return state; // nothing of a discarded stream comes back
  const stream: TraceStream = {
    streamId: frame.stream_id,
    runId: frame.run_id,
    conversationId: frame.conversation_id,
    nodeId: frame.node_id,
    seq: frame.seq,
    text: frame.discarded ? "" : (old?.text ?? "") + (frame.text ?? ""),
    discarded: frame.discarded === true,
  };
  const streams = state.streams.slice();
  if (at === -1) streams.push(stream);
  else streams[at] = stream;
  const runs = withRun(state.runs, frame.run_id);
  const key = `${frame.run_id}:${frame.seq}`;
  const live = liveOf(streams, frame.run_id, frame.seq);
  const index = state.steps.findIndex((s) => s.key === key);
  if (index === -1) {
    // its started frame was missed (the socket reconnected): the step is running, as the delta says
    const step: TraceStep = {
      key,
      runId: frame.run_id,
      seq: frame.seq,
      nodeId: frame.node_id,
      nodeType: frame.node_type,
      status: "running",
      durationMs: null,
      input: null,
      output: null,
      error: null,
      handle: null,
      live,
    };
    return { runs, steps: [...state.steps, step], streams };
  }
  if (state.steps[index].status !== "running") return { ...state, runs, streams };
  const steps = state.steps.slice();
  steps[index] = { ...state.steps[index], live };
  return { runs, steps, streams };
}

/** The streamed texts of a conversation still waiting for their turn's stored messages (the runs not in
 * `answered`), oldest first: what a chat shows growing until the turn's reply replaces it. */
export function pendingStreams(streams: TraceStream[], conversationId: string, answered: ReadonlySet<string>): TraceStream[] {
  return streams.filter((s) => s.conversationId === conversationId && !s.discarded && s.text !== "" && !answered.has(s.runId));
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
