// Reading the config JSON Schemas pydantic writes: $ref into $defs, nullable anyOf, defaults.
import type { JsonSchema } from "../api/types";

/** The schema a `$ref` points at (only local `#/$defs/...` references exist in pydantic's output). */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const path = current.$ref.replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const part of path) target = (target as Record<string, unknown> | undefined)?.[part];
    if (!target || typeof target !== "object") return current;
    const { $ref: _ignored, ...rest } = current;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

/** `anyOf: [X, {type: null}]` (pydantic's `X | None`) as X itself, keeping the outer title, default and hints. */
export function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf;
  if (!options || options.length !== 2) return { schema, nullable: false };
  const nonNull = options.filter((o) => o.type !== "null");
  if (nonNull.length !== 1) return { schema, nullable: false };
  const { anyOf: _ignored, ...outer } = schema;
  return { schema: { ...nonNull[0], ...outer }, nullable: true };
}

/** A property's schema with references resolved and nullability unwrapped. */
export function propertySchema(schema: JsonSchema, root: JsonSchema): JsonSchema {
  return unwrapNullable(resolveRef(schema, root)).schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value with the schema's defaults filled in where it has none (objects and arrays of objects, deeply). */
export function fillDefaults(schema: JsonSchema, value: unknown, root: JsonSchema = schema): unknown {
  const resolved = propertySchema(schema, root);
  if (value === undefined && resolved.default !== undefined) value = structuredClone(resolved.default);
  if (resolved.properties && (value === undefined || isObject(value))) {
    const out: Record<string, unknown> = { ...((value as Record<string, unknown>) ?? {}) };
    for (const [key, sub] of Object.entries(resolved.properties)) {
      const filled = fillDefaults(sub, out[key], root);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  if (resolved.items && Array.isArray(value)) {
    return value.map((item) => fillDefaults(resolved.items as JsonSchema, item, root));
  }
  return value;
}

/** The config a new node starts with: defaults, and the fewest list items its schema asks for. */
export function initialConfig(schema: JsonSchema): Record<string, unknown> {
  const config = (fillDefaults(schema, {}) as Record<string, unknown>) ?? {};
  for (const key of Object.keys(config)) if (config[key] === null) delete config[key]; // "none" needs no key
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const prop = propertySchema(sub, schema);
    if (prop.type === "array" && (prop.minItems ?? 0) > 0 && prop.items && config[key] === undefined) {
      const item = fillDefaults(prop.items, {}, schema);
      config[key] = Array.from({ length: prop.minItems ?? 0 }, () => structuredClone(item));
    }
  }
  return config;
}

/** Deep equality for JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
