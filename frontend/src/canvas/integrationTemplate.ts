// The `template` node's settings: the catalog's chosen template turns the generic config schema into that template's
// form (its parameters, a credential picker of its kind), and switching templates keeps the config valid.
import type { IntegrationTemplate, JsonSchema } from "../api/types";

/** The config field holding the template key (x-widget "integration-template"), if the schema has one. */
export function templateField(configSchema: JsonSchema): string | null {
  for (const [name, prop] of Object.entries(configSchema.properties ?? {})) {
    if (prop["x-widget"] === "integration-template") return name;
  }
  return null;
}

function fieldOf(configSchema: JsonSchema, hint: string, picker: string): string | null {
  for (const [name, prop] of Object.entries(configSchema.properties ?? {})) {
    if (prop[hint] === picker) return name;
  }
  return null;
}

/** A parameter's schema as the form draws it: text parameters take {{ variables }} (the template widget). */
function paramSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("string") && !schema.enum && !schema["x-widget"]) out["x-widget"] = "template";
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, paramSchema(v)]));
  }
  if (schema.items) out.items = paramSchema(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.additionalProperties = paramSchema(schema.additionalProperties);
  }
  return out;
}

/**
 * The config schema with the chosen template filled in: `params` becomes the template's parameter schema, the
 * credential picker lists only the template's kind (and is gone when it needs none). No template chosen yet: only
 * the picker is shown.
 */
export function templateFormSchema(configSchema: JsonSchema, template: IntegrationTemplate | undefined): JsonSchema {
  const pickerName = templateField(configSchema);
  if (!pickerName) return configSchema;
  const paramsName = fieldOf(configSchema, "x-params-of", pickerName);
  const credentialName = fieldOf(configSchema, "x-credential-of", pickerName);
  const properties = { ...(configSchema.properties ?? {}) };
  if (!template) {
    return { ...configSchema, properties: { [pickerName]: properties[pickerName] }, required: [pickerName] };
  }
  if (paramsName) {
    const params = paramSchema(template.parameters as JsonSchema);
    properties[paramsName] = { ...params, title: "Parameters", description: undefined };
  }
  if (credentialName) {
    if (template.credential) {
      properties[credentialName] = {
        ...properties[credentialName],
        "x-credential-kinds": [template.credential.kind],
        description: template.credential.help || undefined,
      };
    } else {
      delete properties[credentialName];
    }
  }
  const required = [...(configSchema.required ?? [])];
  if (credentialName && template.credential && !required.includes(credentialName)) required.push(credentialName);
  return { ...configSchema, properties, required };
}

function defaults(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) out[name] = structuredClone(prop.default);
  }
  return out;
}

/**
 * The config after picking another template: parameters the new one also has are kept, the others dropped (the
 * server would refuse them), defaults filled in; the credential is kept only when it is of the kind the new one
 * needs. Mapping, save_as, timeout and retry stay.
 */
export function switchTemplate(
  config: Record<string, unknown>,
  next: IntegrationTemplate,
  previous: IntegrationTemplate | undefined,
): Record<string, unknown> {
  const nextSchema = next.parameters as JsonSchema;
  const known = nextSchema.properties ?? {};
  const oldParams = (config.params as Record<string, unknown> | undefined) ?? {};
  const params: Record<string, unknown> = defaults(nextSchema);
  for (const [name, value] of Object.entries(oldParams)) if (name in known) params[name] = value;
  const out: Record<string, unknown> = { ...config, template: next.key, params };
  const sameKind = !!next.credential && previous?.credential?.kind === next.credential.kind;
  if (!sameKind) delete out.credential;
  return out;
}

/** What the picker shows for a template, searched by name, description and key. */
export function matchTemplates(templates: IntegrationTemplate[], query: string): IntegrationTemplate[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return templates;
  return templates.filter((t) => {
    const text = `${t.name} ${t.description} ${t.key}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
