import { describe, expect, it } from "vitest";
import type { Run } from "../api/types";
import { applyFrame, emptyTrace, formatDuration, framesFromRuns } from "./trace";

const base = { run_id: "r1", conversation_id: "c1", node_type: "message" };

describe("trace", () => {
  it("shows a step running, then finished with its duration and handle", () => {
    let t = applyFrame(emptyTrace, { ...base, event: "step.started", seq: 1, node_id: "m1", status: "running" });
    expect(t.steps[0].status).toBe("running");
    t = applyFrame(t, { ...base, event: "step.finished", seq: 1, node_id: "m1", status: "succeeded", duration_ms: 3.2, handle: "next", input: { text: "Hi" }, output: {} });
    expect(t.steps).toHaveLength(1);
    expect(t.steps[0]).toMatchObject({ status: "succeeded", durationMs: 3.2, handle: "next", input: { text: "Hi" } });
    t = applyFrame(t, { ...base, event: "step.started", seq: 1, node_id: "m1", status: "running" });
    expect(t.steps[0].status).toBe("succeeded");
    t = applyFrame(t, { event: "run.finished", run_id: "r1", conversation_id: "c1", status: "completed" });
    expect(t.runs).toEqual([{ runId: "r1", status: "completed", error: null }]);
  });

  it("marks a failed step failed", () => {
    const t = applyFrame(emptyTrace, { ...base, event: "step.finished", seq: 2, node_id: "api", status: "failed", error: "timeout", duration_ms: 5000 });
    expect(t.steps[0]).toMatchObject({ status: "failed", error: "timeout" });
  });

  it("replays stored runs as the frames a live run sends", () => {
    const runs = [
      {
        id: "r1",
        trigger: "start",
        status: "completed",
        queued_at: "",
        steps: [
          { seq: 2, node_id: "b", node_type: "message", status: "succeeded", started_at: "", duration_ms: 1, handle: "next" },
          { seq: 1, node_id: "a", node_type: "start", status: "succeeded", started_at: "", duration_ms: 0.1, handle: "next" },
        ],
      },
    ] as Run[];
    const frames = framesFromRuns(runs, "c1");
    expect(frames.map((f) => `${f.event}:${"node_id" in f ? f.node_id : ""}`)).toEqual([
      "step.started:a",
      "step.finished:a",
      "step.started:b",
      "step.finished:b",
      "run.finished:",
    ]);
    const state = frames.reduce(applyFrame, emptyTrace);
    expect(state.steps.map((s) => s.nodeId)).toEqual(["a", "b"]);
  });

  it("formats durations for people", () => {
    expect(formatDuration(0.2)).toBe("<1 ms");
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(1530)).toBe("1.53 s");
    expect(formatDuration(null)).toBe("");
  });
});
