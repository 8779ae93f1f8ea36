// Node config <-> the settings form: the JSON Schema and uiSchema the form renders, and server problems as
// form errors.
import type { ErrorSchema, UiSchema } from "@rjsf/utils";
import type { JsonSchema, Problem } from "../api/types";
import { fillDefaults, jsonEqual, propertySchema, resolveRef, unwrapNullable } from "./schema";

/** Field hints that name a whole-field editor rather than an input widget. */
const FIELD_WIDGETS = new Set(["choices", "keyvalue"]);
const INPUT_WIDGETS = new Set(["template", "textarea", "variable", "credential", "integration-template"]);

function simplify(schema: JsonSchema): JsonSchema {
  const { schema: plain, nullable } = unwrapNullable(schema);
  const out: JsonSchema = { ...plain };
  if (nullable && out.default === null) delete out.default; // an empty field is "none" already
  if (plain.properties) {
    out.properties = Object.fromEntries(Object.entries(plain.properties).map(([k, v]) => [k, simplify(v)]));
  }
  if (plain.items) out.items = simplify(plain.items);
  if (plain.$defs) out.$defs = Object.fromEntries(Object.entries(plain.$defs).map(([k, v]) => [k, simplify(v)]));
  return out;
}

/** Whether a field's `x-show-when` ({sibling: [values]}) holds for the config. */
export function shown(prop: JsonSchema, config: Record<string, unknown>, root: JsonSchema): boolean {
  const when = prop["x-show-when"];
  if (!when || typeof when !== "object") return true;
  return Object.entries(when as Record<string, unknown[]>).every(([key, values]) => {
    let value = config[key];
    if (value === undefined) value = propertySchema(root.properties?.[key] ?? {}, root).default;
    return Array.isArray(values) ? values.includes(value) : value === values;
  });
}

/**
 * The schema the form renders: pydantic's `X | None` as a plain X (an empty field means "none"), and only the
 * fields whose `x-show-when` holds for the config (the others keep their values, unseen).
 */
export function formSchema(configSchema: JsonSchema, config: Record<string, unknown> = {}): JsonSchema {
  const out = simplify(configSchema);
  delete out.title; // the class name (MessageConfig) means nothing to a user
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).filter(([, prop]) => shown(prop, config, configSchema)),
    );
  }
  return out;
}

const ACRONYMS = new Set(["api", "csv", "html", "http", "https", "id", "json", "jmespath", "sms", "url", "xml"]);

/** "greater_than" -> "Greater than", "MappingRule" -> "Mapping rule", "json" -> "JSON"; "GET" stays "GET". */
export function humanize(value: unknown): string {
  const raw = String(value);
  if (/^[A-Z0-9_ -]+$/.test(raw)) return raw;
  const words = raw
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function uiFor(raw: JsonSchema, root: JsonSchema): UiSchema {
  const prop = propertySchema(raw, root);
  const widget = prop["x-widget"];
  const example = Array.isArray(prop.examples) && typeof prop.examples[0] === "string" ? prop.examples[0] : undefined;
  const hint: UiSchema = example ? { "ui:placeholder": example } : {};
  if (widget && FIELD_WIDGETS.has(widget)) return { "ui:field": widget };
  if (widget && INPUT_WIDGETS.has(widget)) return { "ui:widget": widget, ...hint };
  if (prop.enum) return { "ui:enumNames": prop.enum.map(humanize) };
  if (prop.type === "array" && prop.items) {
    const item = propertySchema(prop.items, root);
    const items = widget === "variables" ? { "ui:widget": "variable" } : uiFor(prop.items, root);
    const itemTitle = widget === "variables" ? "variable" : humanize(item.title ?? "item").toLowerCase();
    return { items, "ui:options": { itemTitle, orderable: false } };
  }
  if (prop.properties) {
    const ui: UiSchema = {};
    for (const [key, sub] of Object.entries(prop.properties)) ui[key] = uiFor(sub, root);
    return ui;
  }
  return hint;
}

/** Which widget or editor draws each field, from the schema's x-widget hints. */
export function uiSchemaFor(configSchema: JsonSchema): UiSchema {
  return { ...uiFor(configSchema, configSchema), "ui:submitButtonOptions": { norender: true } };
}

/** Absent, null and an empty list mean the same to a config (the default applies). */
function meaningful(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(meaningful);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = meaningful(v);
    }
    return out;
  }
  return value;
}

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : clean(item)));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

/** The node's config from what the form holds: emptied fields are left out, so the type's default applies. */
export function formToConfig(formData: unknown): Record<string, unknown> {
  const cleaned = clean(formData);
  return typeof cleaned === "object" && cleaned !== null && !Array.isArray(cleaned) ? (cleaned as Record<string, unknown>) : {};
}

/** Whether two configs mean the same, once defaults are filled in (the form fills them in as it renders). */
export function sameConfig(configSchema: JsonSchema, a: unknown, b: unknown): boolean {
  const norm = (x: unknown) => meaningful(fillDefaults(configSchema, clean(x ?? {})));
  return jsonEqual(norm(a), norm(b));
}

/** A node's problems split into those on a form field (as rjsf's error tree) and those on the node as a whole. */
export function problemsToErrors(
  configSchema: JsonSchema,
  problems: Problem[],
): { errorSchema: ErrorSchema; general: Problem[] } {
  const errorSchema: Record<string, unknown> = {};
  const general: Problem[] = [];
  for (const problem of problems) {
    const path = problem.field ? problem.field.split(".") : [];
    if (!path.length || !(configSchema.properties ?? {})[path[0]]) {
      general.push(problem);
      continue;
    }
    let cursor = errorSchema;
    for (const part of path) {
      cursor[part] = (cursor[part] as Record<string, unknown>) ?? {};
      cursor = cursor[part] as Record<string, unknown>;
    }
    const errors = (cursor.__errors as string[]) ?? [];
    if (!errors.includes(problem.message)) errors.push(problem.message);
    cursor.__errors = errors;
  }
  return { errorSchema: errorSchema as ErrorSchema, general };
}

/** The field's title as the form shows it: its schema title, else its name. */
export function fieldTitle(configSchema: JsonSchema, field: string): string {
  const [first] = field.split(".");
  const raw = configSchema.properties?.[first];
  if (!raw) return humanize(first);
  return resolveRef(raw, configSchema).title ?? first;
}
