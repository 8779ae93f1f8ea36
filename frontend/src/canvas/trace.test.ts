import { describe, expect, it } from "vitest";
import type { Run, TraceFrame } from "../api/types";
import { applyFrame, emptyTrace, formatDuration, framesFromRuns, pendingStreams } from "./trace";

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

  describe("streamed text (step.delta)", () => {
    const ai = { ...base, node_type: "openai", node_id: "ai", seq: 2 };
    const delta = (text: string, more: object = {}) => ({ ...ai, event: "step.delta" as const, status: "running", stream_id: "s1", text, ...more });
    const started = applyFrame(emptyTrace, { ...ai, event: "step.started", status: "running", input: { model: "gpt-4o-mini" } });

    it("grows the running step's live text and its stream, leaving status and input alone", () => {
      let t = applyFrame(started, delta("Bonjour"));
      t = applyFrame(t, delta(", Paris"));
      expect(t.steps).toHaveLength(1);
      expect(t.steps[0]).toMatchObject({ status: "running", live: "Bonjour, Paris", input: { model: "gpt-4o-mini" }, output: null });
      expect(t.streams).toEqual([{ streamId: "s1", runId: "r1", conversationId: "c1", nodeId: "ai", seq: 2, text: "Bonjour, Paris", discarded: false }]);
    });

    it("ends the live text when the step finishes; a late piece never reopens the step or wipes its output", () => {
      let t = applyFrame(applyFrame(started, delta("Bonjour")), delta(" Paris"));
      const finished = { ...ai, event: "step.finished" as const, status: "succeeded", duration_ms: 900, handle: "success", input: { model: "gpt-4o-mini" }, output: { text: "Bonjour Paris" } };
      t = applyFrame(t, finished);
      expect(t.steps[0]).toMatchObject({ status: "succeeded", live: null, output: { text: "Bonjour Paris" }, durationMs: 900 });
      t = applyFrame(t, delta("!"));
      expect(t.steps[0]).toMatchObject({ status: "succeeded", live: null, output: { text: "Bonjour Paris" }, input: { model: "gpt-4o-mini" }, handle: "success" });
      // the stream itself keeps its text: the preview shows it until the turn's stored message replaces it
      expect(t.streams[0].text).toBe("Bonjour Paris!");
    });

    it("drops a discarded stream's text, and nothing of it comes back", () => {
      let t = applyFrame(started, delta("Half a rep"));
      t = applyFrame(t, delta("", { discarded: true }));
      expect(t.steps[0]).toMatchObject({ status: "running", live: null });
      expect(t.streams[0]).toMatchObject({ text: "", discarded: true });
      t = applyFrame(t, delta("ly"));
      expect(t.streams[0]).toMatchObject({ text: "", discarded: true });
      expect(t.steps[0].live).toBeNull();
    });

    it("keeps two streams of one step apart, and a repeated started frame keeps the text", () => {
      let t = applyFrame(started, delta("One"));
      t = applyFrame(t, delta("Two", { stream_id: "s2" }));
      expect(t.streams.map((s) => s.text)).toEqual(["One", "Two"]);
      expect(t.steps[0].live).toBe("One\n\nTwo");
      t = applyFrame(t, { ...ai, event: "step.started", status: "running" });
      expect(t.steps[0]).toMatchObject({ status: "running", live: "One\n\nTwo" });
    });

    it("shows a running step from a piece whose started frame was missed", () => {
      const t = applyFrame(emptyTrace, delta("Hi"));
      expect(t.steps).toEqual([expect.objectContaining({ key: "r1:2", nodeId: "ai", nodeType: "openai", status: "running", live: "Hi", input: null })]);
      expect(t.runs).toEqual([{ runId: "r1", status: null, error: null }]);
    });

    it("lists a conversation's streams still waiting for their turn's reply", () => {
      let t = applyFrame(started, delta("Hello"));
      t = applyFrame(t, { ...ai, event: "step.delta", stream_id: "s2", text: "Gone", discarded: false });
      t = applyFrame(t, { ...ai, event: "step.delta", stream_id: "s2", text: "", discarded: true });
      t = applyFrame(t, { ...ai, run_id: "r2", event: "step.delta", stream_id: "s3", text: "Next turn" });
      t = applyFrame(t, { ...ai, conversation_id: "c2", run_id: "r9", event: "step.delta", stream_id: "s4", text: "Another chat" });
      expect(pendingStreams(t.streams, "c1", new Set()).map((s) => s.text)).toEqual(["Hello", "Next turn"]);
      expect(pendingStreams(t.streams, "c1", new Set(["r1"])).map((s) => s.text)).toEqual(["Next turn"]);
      expect(pendingStreams(t.streams, "c2", new Set(["r1"])).map((s) => s.streamId)).toEqual(["s4"]);
    });

    it("ignores an event it does not know", () => {
      const unknown = { ...base, event: "step.progress", seq: 1, node_id: "m1", status: "running" } as unknown as TraceFrame;
      expect(applyFrame(started, unknown)).toBe(started);
    });
  });

  it("formats durations for people", () => {
    expect(formatDuration(0.2)).toBe("<1 ms");
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(1530)).toBe("1.53 s");
    expect(formatDuration(null)).toBe("");
  });
});
