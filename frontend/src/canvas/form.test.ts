import { describe, expect, it } from "vitest";
import { fieldTitle, formSchema, formToConfig, humanize, problemsToErrors, sameConfig, uiSchemaFor } from "./form";
import { fillDefaults, initialConfig } from "./schema";
import { typeOf } from "./testTypes";

const question = typeOf("question")!.config_schema;
const condition = typeOf("condition")!.config_schema;
const restApi = typeOf("rest_api")!.config_schema;

describe("form schema", () => {
  it("renders an optional field as a plain input, not a choice between a value and null", () => {
    const schema = formSchema(question);
    expect(schema.properties!.variable.anyOf).toBeUndefined();
    expect(schema.properties!.variable.type).toBe("string");
    expect(schema.properties!.variable["x-widget"]).toBe("variable");
    expect(schema.title).toBeUndefined();
  });

  it("shows a field only when its x-show-when holds", () => {
    const rest = typeOf("rest_api")!.config_schema;
    expect(formSchema(rest, { body_type: "json" }).properties!.form).toBeUndefined();
    expect(formSchema(rest, { body_type: "form" }).properties!.form).toBeDefined();
    expect(formSchema(rest, {}).properties!.body).toBeDefined();
  });

  it("maps the schema's widget hints onto the form's widgets and editors", () => {
    const ui = uiSchemaFor(question);
    expect(ui.text["ui:widget"]).toBe("textarea");
    expect(ui.retry_text["ui:widget"]).toBe("template");
    expect(ui.variable["ui:widget"]).toBe("variable");
    expect(ui.choices["ui:field"]).toBe("choices");
    expect(ui.input_type["ui:enumNames"]).toContain("Choice");
    const rules = uiSchemaFor(condition).rules;
    expect(rules.items.value["ui:widget"]).toBe("template");
    expect(rules.items.operator["ui:enumNames"]).toContain("Greater than");
    expect(rules["ui:options"].itemTitle).toBe("rule");
    const rest = uiSchemaFor(restApi);
    expect(rest.credential["ui:widget"]).toBe("credential");
    expect(rest.headers["ui:field"]).toBe("keyvalue");
    expect(rest.mapping.items.variable["ui:widget"]).toBe("variable");
    expect(rest.mapping["ui:options"].itemTitle).toBe("mapping rule");
  });
});

describe("config <-> form data", () => {
  it("starts a new node with its defaults and the list items its schema needs", () => {
    expect(initialConfig(question)).toEqual({
      input_type: "text",
      choices_source: "fixed",
      choice_label: "label",
      retry_text: "",
      timeout: "",
      reminders: 0,
      reminder_text: "",
    });
    expect(initialConfig(condition)).toEqual({ match: "all", rules: [{ operator: "equals", value: "" }] });
  });

  it("leaves emptied fields out of the config, so the default applies", () => {
    expect(formToConfig({ text: "Hi", variable: undefined, choices: [{ id: "a", label: undefined }] })).toEqual({
      text: "Hi",
      choices: [{ id: "a" }],
    });
  });

  it("treats a config and the same config with defaults filled in as the same", () => {
    expect(sameConfig(question, { text: "Hi" }, { text: "Hi", input_type: "text", choices: [], retry_text: "" })).toBe(true);
    expect(sameConfig(question, { text: "Hi" }, { text: "Hi", input_type: "email" })).toBe(false);
    expect(sameConfig(condition, { rules: [{ variable: "a" }] }, { rules: [{ variable: "a", operator: "equals", value: "" }], match: "all" })).toBe(true);
  });

  it("fills defaults deeply through $refs", () => {
    expect(fillDefaults(condition, { rules: [{ variable: "x" }] })).toEqual({ match: "all", rules: [{ variable: "x", operator: "equals", value: "" }] });
  });
});

describe("problems on the form", () => {
  it("puts field problems on their fields and the rest on the node", () => {
    const { errorSchema, general } = problemsToErrors(condition, [
      { node_id: "c", edge_id: null, field: "rules.0.value", message: "Not a valid regular expression", severity: "error" },
      { node_id: "c", edge_id: null, field: "rules", message: "Too short", severity: "error" },
      { node_id: "c", edge_id: null, field: null, message: "Nothing leads to this node", severity: "warning" },
      { node_id: "c", edge_id: "e1", field: "sourceHandle", message: "No such output", severity: "error" },
    ]);
    expect(errorSchema).toEqual({
      rules: { __errors: ["Too short"], 0: { value: { __errors: ["Not a valid regular expression"] } } },
    });
    expect(general.map((p) => p.message)).toEqual(["Nothing leads to this node", "No such output"]);
  });

  it("labels choices as people say them", () => {
    expect(humanize("greater_than")).toBe("Greater than");
    expect(humanize("MappingRule")).toBe("Mapping rule");
    expect(humanize("json")).toBe("JSON");
    expect(humanize("GET")).toBe("GET");
    expect(humanize("api_key")).toBe("API key");
  });

  it("names a field by its title", () => {
    expect(fieldTitle(question, "variable")).toBe("Save the answer in");
    expect(fieldTitle(condition, "rules.0.value")).toBe("Rules");
  });
});
