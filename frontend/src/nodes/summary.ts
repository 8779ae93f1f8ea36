// The line or two a node shows on the canvas about its config, derived from its schema (no per-type code).
import type { NodeConfig, NodeTypeInfo } from "../api/types";
import { humanize, shown } from "../canvas/form";
import { propertySchema } from "../canvas/schema";

const OPERATORS: Record<string, string> = {
  equals: "=",
  not_equals: "≠",
  greater_than: ">",
  less_than: "<",
};

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
}

function rule(item: Record<string, unknown>): string {
  const variable = text(item.variable) || "?";
  const op = text(item.operator) || "equals";
  if (op === "is_empty" || op === "is_set") return `${variable} ${humanize(op).toLowerCase()}`;
  return `${variable} ${OPERATORS[op] ?? humanize(op).toLowerCase()} ${text(item.value) || "…"}`;
}

export function summarize(type: NodeTypeInfo | undefined, data: NodeConfig): string {
  if (!type) return "";
  const root = type.config_schema;
  const props = root.properties ?? {};
  // a list of rules (variable, operator, value): "budget > 5000 and tier = gold"
  for (const [key, raw] of Object.entries(props)) {
    const prop = propertySchema(raw, root);
    const items = data[key];
    if (prop.type !== "array" || !Array.isArray(items) || !items.length || !prop.items) continue;
    const item = propertySchema(prop.items, root);
    if (item.properties?.operator && item.properties?.variable) {
      const joiner = data.match === "any" ? " or " : " and ";
      return items.map((i) => rule((i ?? {}) as Record<string, unknown>)).join(joiner);
    }
  }
  // a variable and its value: "tier = priority"
  if (props.variable && props.value && text(data.variable)) return `${text(data.variable)} = ${text(data.value) || "…"}`;
  // the first text-like field with something in it, in the schema's order (templates first)
  const ordered = Object.entries(props).sort(([, a], [, b]) => Number(!!b["x-template"]) - Number(!!a["x-template"]));
  for (const [key, raw] of ordered) {
    const prop = propertySchema(raw, root);
    if (prop.type !== "string" || prop.enum || prop["x-widget"] === "variable") continue;
    // a hidden field, or one still at its default (a question's "Show each item's: label"), says nothing of this node
    if (!shown(prop, data, root)) continue;
    const value = text(data[key]);
    if (value && value !== text(prop.default)) {
      const method = text(data.method);
      return method && key === "url" ? `${method} ${value}` : value;
    }
  }
  return "";
}
