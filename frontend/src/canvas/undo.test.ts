import { describe, expect, it } from "vitest";
import { History } from "./undo";

describe("History", () => {
  it("undoes and redoes in order", () => {
    const h = new History<string>();
    h.record("a");
    h.record("b");
    expect(h.undo("c")).toBe("b");
    expect(h.undo("b")).toBe("a");
    expect(h.undo("a")).toBeUndefined();
    expect(h.redo("a")).toBe("b");
    expect(h.redo("b")).toBe("c");
    expect(h.canRedo).toBe(false);
  });

  it("forgets the redo steps when a new change is made", () => {
    const h = new History<string>();
    h.record("a");
    expect(h.undo("b")).toBe("a");
    h.record("a");
    expect(h.canRedo).toBe(false);
    expect(h.undo("x")).toBe("a");
  });

  it("joins changes with the same key made close together (typing) into one step", () => {
    let now = 0;
    const h = new History<string>(100, () => now);
    h.record("", { key: "form:n1" });
    now = 300;
    h.record("H", { key: "form:n1" });
    now = 600;
    h.record("He", { key: "form:n1" });
    now = 5000;
    h.record("Hello", { key: "form:n1" });
    expect(h.undo("Hello!")).toBe("Hello");
    expect(h.undo("Hello")).toBe("");
    expect(h.canUndo).toBe(false);
  });

  it("starts a new step after an undo or seal even with the same key", () => {
    let now = 0;
    const h = new History<string>(100, () => now);
    h.record("a", { key: "k" });
    h.seal();
    now = 10;
    h.record("b", { key: "k" });
    expect(h.undo("c")).toBe("b");
  });

  it("keeps at most `limit` steps", () => {
    const h = new History<number>(3);
    for (let i = 0; i < 10; i++) h.record(i);
    expect([h.undo(10), h.undo(9), h.undo(8), h.undo(7)]).toEqual([9, 8, 7, undefined]);
  });
});
