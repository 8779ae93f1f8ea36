import { describe, expect, it } from "vitest";
import { handlesKey, outputsFor } from "./handles";
import { typeOf } from "./testTypes";

const question = typeOf("question")!;

describe("outputsFor", () => {
  it("gives a type's declared outputs", () => {
    expect(outputsFor(typeOf("condition"), {}).map((o) => o.id)).toEqual(["true", "false"]);
    expect(outputsFor(typeOf("message"), { text: "hi" })).toEqual([{ id: "next", label: "Next" }]);
    expect(outputsFor(typeOf("end"), {})).toEqual([]);
  });

  it("gives a text question its next handle and the no-answer (timeout) one", () => {
    expect(outputsFor(question, { text: "Name?" }).map((o) => o.id)).toEqual(["next", "timeout"]);
    expect(outputsFor(question, { text: "Name?", input_type: "email", choices: [{ id: "a", label: "A" }] })).toHaveLength(2);
  });

  it("gives a choice question one handle per choice, labelled, in order", () => {
    const data = {
      input_type: "choice",
      choices: [
        { id: "quote", label: "Get a quote" },
        { id: "support", label: "Support" },
      ],
    };
    expect(outputsFor(question, data)).toEqual([
      { id: "choice:quote", label: "Get a quote" },
      { id: "choice:support", label: "Support" },
      { id: "timeout", label: "No answer" },
    ]);
  });

  it("updates as choices are added, and skips choices without an id and repeated ids", () => {
    const one = { input_type: "choice", choices: [{ id: "yes", label: "Yes" }] };
    const three = { input_type: "choice", choices: [...one.choices, { id: "", label: "Half typed" }, { id: "yes", label: "Again" }, { id: "no", label: "" }] };
    expect(handlesKey(outputsFor(question, one))).not.toEqual(handlesKey(outputsFor(question, three)));
    expect(outputsFor(question, three)).toEqual([
      { id: "choice:yes", label: "Yes" },
      { id: "choice:no", label: "choice:no" },
      { id: "timeout", label: "No answer" },
    ]);
  });

  it("gives a choice question without choices only its no-answer handle", () => {
    expect(outputsFor(question, { input_type: "choice" })).toEqual([{ id: "timeout", label: "No answer" }]);
  });

  it("falls back to next for an unknown type", () => {
    expect(outputsFor(undefined, {}).map((o) => o.id)).toEqual(["next"]);
  });
});

describe("outputsFor with a fixed set per setting", () => {
  const calendar = {
    ...typeOf("message")!,
    type: "calendar",
    outputs: [
      { id: "success", label: "Success" },
      { id: "error", label: "Error" },
    ],
    dynamic_outputs: {
      when: { operation: "check_availability" },
      outputs: [
        { id: "available", label: "Available" },
        { id: "unavailable", label: "No free slot" },
        { id: "error", label: "Error" },
      ],
    },
    config_schema: { type: "object", properties: { operation: { type: "string", default: "check_availability" } } },
  };

  it("gives the set while the setting has the value, the declared outputs otherwise", () => {
    expect(outputsFor(calendar, {}).map((o) => o.id)).toEqual(["available", "unavailable", "error"]);
    expect(outputsFor(calendar, { operation: "create_event" }).map((o) => o.id)).toEqual(["success", "error"]);
  });

  it("gives a choice question offering a list variable its single next handle", () => {
    const data = { input_type: "choice", choices_source: "variable", choices_variable: "slots", choices: [{ id: "a", label: "A" }] };
    expect(outputsFor(question, data).map((o) => o.id)).toEqual(["next", "timeout"]);
    expect(outputsFor(question, { ...data, choices_source: "fixed" }).map((o) => o.id)).toEqual(["choice:a", "timeout"]);
  });
});
