import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AutoSaver, type SaveState } from "./saver";

describe("AutoSaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(save: (doc: { v: number }) => Promise<void>) {
    const doc = { v: 0 };
    const states: SaveState[] = [];
    const saver = new AutoSaver({ save, current: () => ({ ...doc }), onState: (s) => states.push(s), delayMs: 600, retryMs: 5000 });
    saver.baseline({ v: 0 });
    return { doc, states, saver };
  }

  it("saves once, 600 ms after the last of several quick changes", async () => {
    const saved: number[] = [];
    const { doc, states, saver } = setup(async (d) => void saved.push(d.v));
    doc.v = 1;
    saver.changed();
    await vi.advanceTimersByTimeAsync(400);
    doc.v = 2;
    saver.changed();
    await vi.advanceTimersByTimeAsync(599);
    expect(saved).toEqual([]);
    expect(saver.status).toBe("dirty");
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual([2]);
    expect(states.slice(-2)).toEqual(["saving", "saved"]);
  });

  it("does not send what the server already has", async () => {
    const save = vi.fn(async () => undefined);
    const { saver } = setup(save);
    saver.changed();
    await vi.advanceTimersByTimeAsync(700);
    expect(save).not.toHaveBeenCalled();
    expect(saver.status).toBe("saved");
  });

  it("saves again when the draft changed while a save was on its way", async () => {
    const saved: number[] = [];
    let release: () => void = () => undefined;
    const { doc, saver } = setup((d) => new Promise<void>((resolve) => {
      saved.push(d.v);
      release = resolve;
    }));
    doc.v = 1;
    saver.changed();
    await vi.advanceTimersByTimeAsync(600);
    doc.v = 2;
    saver.changed();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(saver.status).toBe("dirty");
    await vi.advanceTimersByTimeAsync(600);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual([1, 2]);
    expect(saver.status).toBe("saved");
  });

  it("retries after a failure and says so meanwhile", async () => {
    let fail = true;
    const saved: number[] = [];
    const { doc, saver } = setup(async (d) => {
      if (fail) throw new Error("The server did not answer.");
      saved.push(d.v);
    });
    doc.v = 1;
    saver.changed();
    await vi.advanceTimersByTimeAsync(600);
    expect(saver.status).toBe("error");
    fail = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(saved).toEqual([1]);
    expect(saver.status).toBe("saved");
  });

  it("flushes at once when asked (before publishing)", async () => {
    const saved: number[] = [];
    const { doc, saver } = setup(async (d) => void saved.push(d.v));
    doc.v = 3;
    saver.changed();
    expect(await saver.flush()).toBe(true);
    expect(saved).toEqual([3]);
  });

  it("stops at a conflict: no retry, edits kept unsaved until the user overwrites or reloads", async () => {
    class Conflict extends Error {}
    const saved: number[] = [];
    let refuse = true;
    const doc = { v: 0 };
    const states: SaveState[] = [];
    const saver = new AutoSaver({
      save: async (d: { v: number }) => {
        if (refuse) throw new Conflict("saved elsewhere");
        saved.push(d.v);
      },
      current: () => ({ ...doc }),
      onState: (s) => states.push(s),
      isConflict: (exc) => exc instanceof Conflict,
      delayMs: 600,
      retryMs: 5000,
    });
    saver.baseline({ v: 0 });
    doc.v = 1;
    saver.changed();
    await vi.advanceTimersByTimeAsync(700);
    expect(saver.status).toBe("conflict");
    expect(saver.inConflict).toBe(true);
    doc.v = 2;
    saver.changed();
    await vi.advanceTimersByTimeAsync(20000);
    expect(saved).toEqual([]);
    expect(saver.status).toBe("conflict");
    expect(await saver.flush()).toBe(false);

    refuse = false;
    expect(await saver.overwrite()).toBe(true);
    expect(saved).toEqual([2]);
    expect(saver.status).toBe("saved");

    refuse = true;
    doc.v = 3;
    saver.changed();
    await vi.advanceTimersByTimeAsync(700);
    expect(saver.status).toBe("conflict");
    saver.baseline({ v: 9 }); // reloaded the saved draft
    expect(saver.inConflict).toBe(false);
    expect(saver.status).toBe("saved");
  });
});
