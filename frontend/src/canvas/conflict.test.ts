import { describe, expect, it } from "vitest";
import type { GraphDocument } from "../api/types";
import { diffGraphs } from "./conflict";

const node = (id: string, text: string, x = 0) => ({ id, type: "message", position: { x, y: 0 }, data: { text } });

describe("diffGraphs", () => {
  it("names the steps whose settings differ, that moved, or that only one side has", () => {
    const here: GraphDocument = {
      nodes: [node("a", "Hi"), node("b", "Mine"), node("c", "Same", 10), node("d", "New here")],
      edges: [{ id: "e1", source: "a", sourceHandle: "next", target: "b" }],
    };
    const there: GraphDocument = {
      nodes: [node("a", "Hi"), node("b", "Theirs"), node("c", "Same", 50), node("e", "New there")],
      edges: [],
    };
    const diff = diffGraphs(here, there);
    expect(diff.nodes).toEqual([
      { id: "b", type: "message", kind: "changed" },
      { id: "c", type: "message", kind: "moved" },
      { id: "d", type: "message", kind: "here" },
      { id: "e", type: "message", kind: "there" },
    ]);
    expect([diff.edgesHere, diff.edgesThere, diff.other]).toEqual([1, 0, false]);
  });

  it("sees equal drafts as equal, whatever spec_version says, and other settings as a difference", () => {
    const doc: GraphDocument = { nodes: [node("a", "Hi")], edges: [] };
    expect(diffGraphs(doc, { ...doc, spec_version: 1 })).toEqual({ nodes: [], edgesHere: 0, edgesThere: 0, other: false });
    expect(diffGraphs(doc, { ...doc, settings: { fallback: "x" } }).other).toBe(true);
  });
});
