// Which output handles a node has: its type's declared outputs, or those derived from its config
// (dynamic_outputs: one handle per question choice, or a fixed set while a setting has a value).
import type { DynamicOutputs, NodeConfig, NodeTypeInfo, OutputInfo } from "../api/types";
import { fillDefaults } from "./schema";

function fill(pattern: string, item: Record<string, unknown>): string {
  return pattern.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = item[key];
    return value === undefined || value === null ? "" : String(value);
  });
}

function applies(rule: DynamicOutputs, config: Record<string, unknown>): boolean {
  return Object.entries(rule.when ?? {}).every(([key, expected]) => config[key] === expected);
}

/** The node's output handles, in order; ids are unique (a duplicate choice id is the server's problem to report). */
export function outputsFor(type: NodeTypeInfo | undefined, data: NodeConfig | undefined): OutputInfo[] {
  if (!type) return [{ id: "next", label: "Next" }];
  const rule = type.dynamic_outputs;
  if (!rule) return type.outputs;
  const config = (fillDefaults(type.config_schema, data ?? {}) as Record<string, unknown>) ?? {};
  if (!applies(rule, config)) return type.outputs;
  if ("outputs" in rule) return rule.outputs;
  const items = Array.isArray(config[rule.each]) ? (config[rule.each] as unknown[]) : [];
  const seen = new Set<string>();
  const outputs: OutputInfo[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const record = item as Record<string, unknown>;
    const id = fill(rule.id, record);
    if (id === fill(rule.id, {}) || seen.has(id)) continue; // an item without its id yet, or a repeated one
    seen.add(id);
    outputs.push({ id, label: fill(rule.label, record) || id });
  }
  return [...outputs, ...(rule.also ?? []).filter((o) => !seen.has(o.id))];
}

/** A short key that changes exactly when the node's handles change (so React Flow re-measures them). */
export function handlesKey(outputs: OutputInfo[]): string {
  return outputs.map((o) => o.id).join("\u0000");
}
