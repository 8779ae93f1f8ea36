import { describe, expect, it } from "vitest";
import type { FlowNode } from "../api/types";
import { countLines, nodeSize } from "./sizes";
import { typeOf } from "./testTypes";

// 6 px per character: easy to reason about.
const mono = (text: string) => text.length * 6;
const fonts = { sans: "sans-serif", mono: "monospace" };

function node(type: string, data: Record<string, unknown>): FlowNode {
  return { id: "n1", type, position: { x: 0, y: 0 }, data } as FlowNode;
}

describe("countLines", () => {
  it("keeps a short text on one line", () => {
    expect(countLines("hello there", 100, "f", mono)).toBe(1);
  });

  it("breaks between words when the next word does not fit", () => {
    // 10 characters a line
    expect(countLines("aaaa bbbb cccc dddd", 60, "f", mono)).toBe(2);
    expect(countLines("aaaa bbbb cccc dddd eeee", 60, "f", mono)).toBe(3);
  });

  it("breaks a word longer than the line anywhere", () => {
    expect(countLines("x".repeat(25), 60, "f", mono)).toBe(3);
    expect(countLines(`ab ${"x".repeat(12)}`, 60, "f", mono)).toBe(3);
  });
});

describe("nodeSize", () => {
  it("puts the input and the single output halfway down the card", () => {
    const size = nodeSize(node("message", { text: "Hi" }), typeOf("message"), 0, fonts, mono);
    expect(size.width).toBe(200);
    const target = size.handles.find((h) => h.type === "target")!;
    const source = size.handles.find((h) => h.type === "source")!;
    expect(source.id).toBe("next");
    expect(target.y).toBeCloseTo(size.height / 2 - 5, 0);
    expect(source.y).toBe(target.y);
    expect(target.x).toBeLessThan(0);
    expect(source.x).toBeGreaterThan(180);
  });

  it("grows with the text and gives each output its own row, top to bottom", () => {
    const short = nodeSize(node("message", { text: "Hi" }), typeOf("message"), 0, fonts, mono);
    const long = nodeSize(node("message", { text: "word ".repeat(40) }), typeOf("message"), 0, fonts, mono);
    expect(long.height).toBeGreaterThan(short.height);
    const condition = nodeSize(node("condition", { rules: [] }), typeOf("condition"), 0, fonts, mono);
    const outs = condition.handles.filter((h) => h.type === "source");
    expect(outs.map((h) => h.id)).toEqual(["true", "false"]);
    expect(outs[1].y).toBeGreaterThan(outs[0].y);
    expect(outs[1].y).toBeLessThan(condition.height);
  });

  it("gives a start node no input and an end node no output", () => {
    expect(nodeSize(node("start", {}), typeOf("start"), 0, fonts, mono).handles.map((h) => h.type)).toEqual(["source"]);
    expect(nodeSize(node("end", {}), typeOf("end"), 0, fonts, mono).handles.map((h) => h.type)).toEqual(["target"]);
  });
});
