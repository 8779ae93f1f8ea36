import { describe, expect, it } from "vitest";
import type { FlowEdge, FlowNode } from "../api/types";
import { connectionProblem, newEdgeId } from "./connections";
import { typeOf } from "./testTypes";

const nodes: FlowNode[] = [
  { id: "start_1", type: "start", position: { x: 0, y: 0 }, data: {} },
  { id: "message_1", type: "message", position: { x: 0, y: 0 }, data: { text: "Hi" } },
  { id: "question_1", type: "question", position: { x: 0, y: 0 }, data: { text: "?", input_type: "choice", choices: [{ id: "a", label: "A" }] } },
  { id: "end_1", type: "end", position: { x: 0, y: 0 }, data: {} },
];
const edges: FlowEdge[] = [{ id: "e1", source: "start_1", sourceHandle: "next", target: "message_1" }];
const ctx = { nodeById: (id: string) => nodes.find((n) => n.id === id), typeOf, edges };

describe("connectionProblem", () => {
  it("accepts an output into a step that takes input", () => {
    expect(connectionProblem({ source: "message_1", sourceHandle: "next", target: "question_1", targetHandle: null }, ctx)).toBeNull();
    expect(connectionProblem({ source: "question_1", sourceHandle: "choice:a", target: "end_1", targetHandle: null }, ctx)).toBeNull();
  });

  it("refuses a connection into start", () => {
    expect(connectionProblem({ source: "message_1", sourceHandle: "next", target: "start_1", targetHandle: null }, ctx)).toMatch(/into Start/);
  });

  it("refuses a self loop", () => {
    expect(connectionProblem({ source: "message_1", sourceHandle: "next", target: "message_1", targetHandle: null }, ctx)).toMatch(/itself/);
  });

  it("refuses a second edge from the same output", () => {
    expect(connectionProblem({ source: "start_1", sourceHandle: "next", target: "end_1", targetHandle: null }, ctx)).toMatch(/already connected/);
  });

  it("refuses an output the node does not have", () => {
    expect(connectionProblem({ source: "question_1", sourceHandle: "next", target: "end_1", targetHandle: null }, ctx)).toMatch(/does not exist/);
  });
});

describe("newEdgeId", () => {
  it("names an edge by its source and handle, and avoids ids in use", () => {
    expect(newEdgeId("message_1", "next", edges)).toBe("e_message_1_next");
    const taken = [...edges, { id: "e_message_1_next", source: "x", target: "y" }];
    expect(newEdgeId("message_1", "next", taken)).toBe("e_message_1_next_2");
  });
});
