import { describe, expect, it } from "vitest";
import type { FlowEdge, FlowNode } from "../api/types";
import { copySelection, fromGraph, nextNodeId, pasteClip, pruneEdges, restore, snapshot, toGraph } from "./graph";

const doc = {
  spec_version: 1,
  settings: { fallback_text: "Sorry" },
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
    { id: "ask", type: "question", position: { x: 240, y: 10 }, data: { text: "Name?", variable: "name" } },
  ],
  edges: [{ id: "e1", source: "start", target: "ask" }],
};

describe("graph <-> canvas", () => {
  it("round-trips a stored graph, keeping the rest of the document", () => {
    const { nodes, edges, rest } = fromGraph(doc);
    const back = toGraph(nodes, edges, rest);
    expect(back.settings).toEqual({ fallback_text: "Sorry" });
    expect(back.spec_version).toBe(1);
    expect(back.nodes).toEqual(doc.nodes);
    expect(back.edges).toEqual([{ id: "e1", source: "start", sourceHandle: "next", target: "ask" }]);
  });

  it("saves only the graph, not the canvas's selection or measurements", () => {
    const { nodes, edges } = fromGraph(doc);
    const busy = nodes.map((n) => ({ ...n, selected: true, dragging: false, measured: { width: 200, height: 80 } }));
    const saved = toGraph(busy, edges.map((e) => ({ ...e, selected: true, animated: true })));
    expect(Object.keys(saved.nodes[0]).sort()).toEqual(["data", "id", "position", "type"]);
    expect(Object.keys(saved.edges[0]).sort()).toEqual(["id", "source", "sourceHandle", "target"]);
  });

  it("tolerates a document that is not a graph", () => {
    expect(fromGraph(null).nodes).toEqual([]);
    expect(fromGraph({ nodes: "x", edges: [1] }).edges).toEqual([]);
  });
});

describe("snapshots", () => {
  it("restores positions and config, reusing unchanged node objects", () => {
    const { nodes, edges } = fromGraph(doc);
    const measured = nodes.map((n) => ({ ...n, measured: { width: 200, height: 60 } }));
    const before = snapshot(measured, edges);
    const moved = measured.map((n) => (n.id === "ask" ? { ...n, position: { x: 500, y: 500 } } : n));
    const back = restore(before, moved, edges);
    expect(back.nodes[0]).toBe(moved[0]);
    expect(back.nodes[1].position).toEqual({ x: 240, y: 10 });
    expect(back.nodes[1].measured).toEqual({ width: 200, height: 60 });
    expect(back.edges[0]).toBe(edges[0]);
  });

  it("brings back deleted nodes and edges", () => {
    const { nodes, edges } = fromGraph(doc);
    const before = snapshot(nodes, edges);
    const back = restore(before, [nodes[0]], []);
    expect(back.nodes.map((n) => n.id)).toEqual(["start", "ask"]);
    expect(back.edges.map((e) => e.id)).toEqual(["e1"]);
  });
});

describe("ids, copy and paste", () => {
  it("numbers new nodes per type", () => {
    expect(nextNodeId("message", [])).toBe("message_1");
    expect(nextNodeId("message", ["message_1", "message_7", "question_9"])).toBe("message_8");
    expect(nextNodeId("set_variable", ["set_variable_2"])).toBe("set_variable_3");
  });

  it("pastes a copy with new ids, its inner edges rewired, offset and selected", () => {
    const nodes: FlowNode[] = [
      { id: "message_1", type: "message", position: { x: 0, y: 0 }, data: { text: "a" }, selected: true },
      { id: "message_2", type: "message", position: { x: 100, y: 0 }, data: { text: "b" }, selected: true },
      { id: "end_1", type: "end", position: { x: 200, y: 0 }, data: {} },
    ];
    const edges: FlowEdge[] = [
      { id: "e1", source: "message_1", sourceHandle: "next", target: "message_2" },
      { id: "e2", source: "message_2", sourceHandle: "next", target: "end_1" },
    ];
    const clip = copySelection(nodes, edges)!;
    expect(clip.edges.map((e) => e.id)).toEqual(["e1"]);
    const pasted = pasteClip(clip, nodes, edges, { x: 40, y: 40 });
    expect(pasted.nodes.map((n) => n.id)).toEqual(["message_3", "message_4"]);
    expect(pasted.nodes[0].position).toEqual({ x: 40, y: 40 });
    expect(pasted.nodes.every((n) => n.selected)).toBe(true);
    expect(pasted.edges).toEqual([{ id: "e_message_3_next", source: "message_3", sourceHandle: "next", target: "message_4" }]);
    pasted.nodes[0].data.text = "changed";
    expect(nodes[0].data.text).toBe("a");
  });

  it("copies nothing when nothing is selected", () => {
    expect(copySelection([{ id: "a", type: "end", position: { x: 0, y: 0 }, data: {} }], [])).toBeNull();
  });

  it("drops the connections of outputs a node no longer has", () => {
    const edges: FlowEdge[] = [
      { id: "e1", source: "q", sourceHandle: "choice:a", target: "x" },
      { id: "e2", source: "q", sourceHandle: "choice:b", target: "y" },
      { id: "e3", source: "other", sourceHandle: "choice:b", target: "y" },
    ];
    expect(pruneEdges(edges, "q", ["choice:a"]).map((e) => e.id)).toEqual(["e1", "e3"]);
    expect(pruneEdges(edges, "q", ["choice:a", "choice:b"])).toBe(edges);
  });
});
