import { describe, expect, it } from "vitest";
import { REVEAL_MARGIN, revealShift, visibleArea } from "./reveal";

const pane = { left: 100, right: 1100, top: 50, bottom: 850 };

describe("visibleArea", () => {
  it("is the canvas less a margin when nothing covers it", () => {
    expect(visibleArea(pane, [])).toEqual({ left: 116, right: 1084, top: 66, bottom: 834 });
  });

  it("narrows from the right for a panel on the right, from the left for one on the left", () => {
    const settings = { left: 740, right: 1088, top: 62, bottom: 838 };
    const palette = { left: 60, right: 360, top: 50, bottom: 850 };
    expect(visibleArea(pane, [settings, palette])).toMatchObject({ left: 360 + REVEAL_MARGIN, right: 740 - REVEAL_MARGIN });
  });

  it("ignores what lies beside the canvas or is not drawn", () => {
    const side = { left: 1100, right: 1480, top: 50, bottom: 850 };
    const hidden = { left: 500, right: 500, top: 0, bottom: 0 };
    expect(visibleArea(pane, [side, hidden])).toMatchObject({ left: 116, right: 1084 });
  });
});

describe("revealShift", () => {
  it("does not move a box already in view", () => {
    expect(revealShift(200, 100, 116, 724)).toBe(0);
  });

  it("moves a box just enough into view, from either side", () => {
    expect(revealShift(700, 100, 116, 724)).toBe(-76);
    expect(revealShift(50, 100, 116, 724)).toBe(66);
  });

  it("centres a box when asked, or when it is bigger than the room", () => {
    expect(revealShift(200, 100, 100, 500, true)).toBe(50);
    expect(revealShift(0, 600, 100, 500)).toBe(0);
  });
});
