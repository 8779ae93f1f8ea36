import { describe, expect, it } from "vitest";
import type { FlowEdge, FlowNode } from "../api/types";
import { applyCompletion, completionAt, matchVariables, savedVariables, upstreamOf, variablesFor } from "./variables";
import { typeOf } from "./testTypes";

const node = (id: string, type: string, data: Record<string, unknown> = {}): FlowNode => ({ id, type, position: { x: 0, y: 0 }, data });

const nodes = [
  node("start", "start"),
  node("ask_name", "question", { text: "Name?", variable: "name" }),
  node("ask_email", "question", { text: "Email?", input_type: "email", variable: "email" }),
  node("tier", "set_variable", { variable: "tier", value: "gold" }),
  node("check", "condition", { rules: [{ variable: "budget", operator: "greater_than", value: "5" }] }),
  node("api", "rest_api", { url: "https://x", mapping: [{ variable: "order_id", path: "id" }, { variable: "bad name", path: "x" }], save_as: "response" }),
  node("thanks", "message", { text: "Thanks {{ name }}" }),
  node("side", "set_variable", { variable: "unrelated", value: "1" }),
];
const edges: FlowEdge[] = [
  { id: "e1", source: "start", sourceHandle: "next", target: "ask_name" },
  { id: "e2", source: "ask_name", sourceHandle: "next", target: "ask_email" },
  { id: "e3", source: "ask_email", sourceHandle: "next", target: "tier" },
  { id: "e4", source: "tier", sourceHandle: "next", target: "check" },
  { id: "e5", source: "check", sourceHandle: "true", target: "api" },
  { id: "e6", source: "api", sourceHandle: "success", target: "thanks" },
  { id: "e7", source: "thanks", sourceHandle: "next", target: "ask_name" },
];

describe("savedVariables", () => {
  it("finds what question, set_variable, save_as and mappings save", () => {
    expect(savedVariables(typeOf("question"), nodes[1].data)).toEqual(["name"]);
    expect(savedVariables(typeOf("set_variable"), nodes[3].data)).toEqual(["tier"]);
    expect(savedVariables(typeOf("rest_api"), nodes[5].data)).toEqual(["order_id", "response"]);
    expect(savedVariables(typeOf("wait_webhook"), { hook: "paid", save_as: "payment" })).toEqual(["payment"]);
  });

  it("does not count a condition's rules, which read variables", () => {
    expect(savedVariables(typeOf("condition"), nodes[4].data)).toEqual([]);
  });

  it("ignores an unset variable", () => {
    expect(savedVariables(typeOf("question"), { text: "?", variable: null })).toEqual([]);
  });
});

describe("variablesFor", () => {
  it("offers the variables saved before a step, and those saved elsewhere apart", () => {
    const found = variablesFor("api", nodes, edges, typeOf);
    expect(found.before).toEqual(["email", "name", "tier"]);
    expect(found.elsewhere).toEqual(["order_id", "response", "unrelated"]);
  });

  it("follows loops without running forever", () => {
    expect(upstreamOf("ask_name", edges)).toContain("thanks");
    expect(variablesFor("thanks", nodes, edges, typeOf).before).toEqual(["email", "name", "order_id", "response", "tier"]);
  });
});

describe("{{ completion", () => {
  it("knows when the caret is inside a {{ being typed", () => {
    expect(completionAt("Hello {{ na", 11)).toEqual({ start: 6, query: "na" });
    expect(completionAt("Hello {{", 8)).toEqual({ start: 6, query: "" });
    expect(completionAt("Hello {{ name }} ", 17)).toBeNull();
    expect(completionAt("Hello {", 7)).toBeNull();
  });

  it("completes the name and closes the braces", () => {
    expect(applyCompletion("Hello {{ na", 11, 6, "name")).toEqual({ text: "Hello {{ name }}", caret: 16 });
    expect(applyCompletion("Hi {{ n }}!", 6, 3, "name")).toEqual({ text: "Hi {{ name }}!", caret: 13 });
  });

  it("offers names that start with the query first, the flow's earlier ones before the rest", () => {
    const choices = { before: ["email", "name", "nickname"], elsewhere: ["order_name"] };
    expect(matchVariables(choices, "na").map((m) => m.name)).toEqual(["name", "nickname", "order_name"]);
    expect(matchVariables(choices, "").map((m) => m.before)).toEqual([true, true, true, false]);
  });
});
