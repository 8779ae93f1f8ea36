import { describe, expect, it } from "vitest";
import { formSchema, problemsToErrors, uiSchemaFor } from "./form";
import { matchTemplates, switchTemplate, templateField, templateFormSchema } from "./integrationTemplate";
import { catalog, templateType } from "./testTemplates";

const config = templateType.config_schema;
const byKey = (key: string) => catalog.find((t) => t.key === key)!;

describe("template node form", () => {
  it("finds the picker field from the schema's hint", () => {
    expect(templateField(config)).toBe("template");
  });

  it("shows only the picker until a template is chosen", () => {
    const schema = templateFormSchema(config, undefined);
    expect(Object.keys(schema.properties!)).toEqual(["template"]);
  });

  it("draws the chosen template's parameters, text ones taking {{ variables }}", () => {
    const schema = templateFormSchema(config, byKey("telegram_send_message"));
    const params = schema.properties!.params;
    expect(params.required).toEqual(["chat_id", "text"]);
    expect(params.properties!.chat_id["x-widget"]).toBe("template");
    expect(params.properties!.text["x-widget"]).toBe("textarea"); // the template's own hint wins
    expect(params.properties!.parse_mode["x-widget"]).toBeUndefined(); // a choice stays a choice
    const ui = uiSchemaFor(formSchema(schema, { template: "telegram_send_message" }));
    expect(ui.params.chat_id["ui:widget"]).toBe("template");
    expect(ui.template["ui:widget"]).toBe("integration-template");
  });

  it("lists only credentials of the template's kind, and requires one", () => {
    const schema = templateFormSchema(config, byKey("hubspot_create_contact"));
    const credential = formSchema(schema, {}).properties!.credential;
    expect(credential["x-credential-kinds"]).toEqual(["api_connection"]);
    expect(schema.required).toContain("credential");
    expect(templateFormSchema(config, byKey("slack_message")).properties!.credential["x-credential-kinds"]).toEqual([
      "webhook_url",
    ]);
  });

  it("puts the server's problems on the parameter they concern", () => {
    const schema = templateFormSchema(config, byKey("telegram_send_message"));
    const { errorSchema, general } = problemsToErrors(schema, [
      { node_id: "n", edge_id: null, field: "params.chat_id", message: "Required.", severity: "error" },
    ]);
    expect(general).toEqual([]);
    expect((errorSchema as Record<string, Record<string, { __errors: string[] }>>).params.chat_id.__errors).toEqual([
      "Required.",
    ]);
  });
});

describe("switching templates", () => {
  it("keeps parameters the new template has, drops the others and fills its defaults", () => {
    const before = {
      template: "hubspot_create_contact",
      credential: 3,
      params: { email: "{{ email }}", firstname: "Ann", company: "X" },
      save_as: "reply",
    };
    const after = switchTemplate(before, byKey("pipedrive_create_person"), byKey("hubspot_create_contact"));
    expect(after).toEqual({ template: "pipedrive_create_person", credential: 3, params: { email: "{{ email }}" }, save_as: "reply" });
  });

  it("clears the credential when the new template needs another kind, or none", () => {
    const before = { template: "hubspot_create_contact", credential: 3, params: {} };
    const slack = switchTemplate(before, byKey("slack_message"), byKey("hubspot_create_contact"));
    expect(slack.credential).toBeUndefined();
    expect(slack.params).toEqual({ unfurl_links: false });
    const first = switchTemplate({ template: "", params: {} }, byKey("telegram_send_message"), undefined);
    expect(first).toEqual({ template: "telegram_send_message", params: { disable_notification: false } });
  });
});

describe("the picker", () => {
  it("searches by name and description", () => {
    expect(matchTemplates(catalog, "telegram").map((t) => t.key)).toEqual(["telegram_send_message"]);
    expect(matchTemplates(catalog, "contact hubspot").map((t) => t.key)).toEqual(["hubspot_create_contact"]);
    expect(matchTemplates(catalog, "").length).toBe(catalog.length);
  });
});
