import { describe, expect, it } from "vitest";
import { formSchema } from "../canvas/form";
import { typeOf } from "../canvas/testTypes";
import { summarize } from "./summary";

describe("node summary", () => {
  it("says nothing of an unconfigured question (no default such as 'label' shown as its text)", () => {
    expect(summarize(typeOf("question"), {})).toBe("");
    expect(summarize(typeOf("question"), { input_type: "choice", choices_source: "variable" })).toBe("");
  });

  it("shows the question's text once it has one", () => {
    expect(summarize(typeOf("question"), { text: "Your name?" })).toBe("Your name?");
  });

  it("shows a list item's field only when it is not the default and the field is shown", () => {
    const data = { input_type: "choice", choices_source: "variable", choice_label: "when" };
    expect(summarize(typeOf("question"), data)).toBe("when");
    expect(summarize(typeOf("question"), { ...data, input_type: "text" })).toBe("");
  });
});

describe("question form", () => {
  it("offers the choices editor only for choice questions with fixed choices", () => {
    const question = typeOf("question")!.config_schema;
    expect(formSchema(question, { input_type: "text" }).properties!.choices).toBeUndefined();
    expect(formSchema(question, { input_type: "choice" }).properties!.choices).toBeDefined();
    expect(formSchema(question, { input_type: "choice", choices_source: "variable" }).properties!.choices).toBeUndefined();
  });
});
