// Which variables a node can use: those saved by the steps before it (what `{{` offers), found generically from
// each type's config schema.
import type { FlowEdge, FlowNode, JsonSchema, NodeTypeInfo } from "../api/types";
import { propertySchema } from "./schema";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function addName(out: string[], value: unknown): void {
  if (typeof value === "string" && NAME.test(value) && !out.includes(value)) out.push(value);
}

/**
 * The variables a node saves: a top-level variable field (question.variable, set_variable.variable), a `save_as`
 * field, and the `variable` of each entry of a mapping list (items with a `variable` and a `path`). A variable
 * field inside other lists (condition rules) reads a variable rather than saving one.
 */
export function savedVariables(type: NodeTypeInfo | undefined, data: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  if (!type || !data) return out;
  const root = type.config_schema;
  for (const [key, raw] of Object.entries(root.properties ?? {})) {
    const prop = propertySchema(raw, root);
    const value = data[key];
    if (prop["x-widget"] === "variable" || key === "save_as") {
      addName(out, value);
    } else if (prop.type === "array" && prop.items && Array.isArray(value)) {
      const item: JsonSchema = propertySchema(prop.items, root);
      const props = item.properties ?? {};
      if ("variable" in props && (key === "mapping" || "path" in props)) {
        for (const entry of value) addName(out, (entry as Record<string, unknown> | null)?.variable);
      }
    }
  }
  return out;
}

/** Ids of the nodes from which `nodeId` can be reached, nearest first. */
export function upstreamOf(nodeId: string, edges: FlowEdge[]): string[] {
  const into = new Map<string, string[]>();
  for (const e of edges) {
    const list = into.get(e.target);
    if (list) list.push(e.source);
    else into.set(e.target, [e.source]);
  }
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const source of into.get(id) ?? []) {
        if (!seen.has(source)) {
          seen.add(source);
          order.push(source);
          next.push(source);
        }
      }
    }
    frontier = next;
  }
  return order;
}

export interface VariableChoices {
  /** Saved by steps that run before this one. */
  before: string[];
  /** Saved elsewhere in the flow (not on a path to this step, or by the step itself). */
  elsewhere: string[];
}

export function variablesFor(
  nodeId: string,
  nodes: FlowNode[],
  edges: FlowEdge[],
  typeOf: (key: string) => NodeTypeInfo | undefined,
): VariableChoices {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const before: string[] = [];
  for (const id of upstreamOf(nodeId, edges)) {
    const node = byId.get(id);
    if (node) for (const name of savedVariables(typeOf(node.type ?? ""), node.data)) addName(before, name);
  }
  const elsewhere: string[] = [];
  for (const node of nodes) {
    for (const name of savedVariables(typeOf(node.type ?? ""), node.data)) {
      if (!before.includes(name)) addName(elsewhere, name);
    }
  }
  return { before: before.sort(), elsewhere: elsewhere.sort() };
}

/** Where a `{{ name` being typed starts, and what has been typed of the name; null when the caret is not in one. */
export function completionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /\{\{\s*([A-Za-z0-9_.]*)$/.exec(before);
  if (!match) return null;
  return { start: match.index, query: match[1] };
}

/** The text with the `{{ ...` at `start` completed to `{{ name }}`, and where the caret goes. */
export function applyCompletion(text: string, caret: number, start: number, name: string): { text: string; caret: number } {
  let after = text.slice(caret);
  const rest = /^[A-Za-z0-9_.]*\s*\}\}/.exec(after);
  if (rest) after = after.slice(rest[0].length);
  const inserted = `{{ ${name} }}`;
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}

/** The variable names to offer for what has been typed: names starting with it first, then containing it. */
export function matchVariables(choices: VariableChoices, query: string, limit = 8): { name: string; before: boolean }[] {
  const q = query.toLowerCase();
  const rank = (name: string) => (name.toLowerCase().startsWith(q) ? 0 : name.toLowerCase().includes(q) ? 1 : 2);
  const pick = (names: string[], before: boolean) =>
    names
      .filter((n) => rank(n) < 2)
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .map((name) => ({ name, before }));
  return [...pick(choices.before, true), ...pick(choices.elsewhere, false)].slice(0, limit);
}
