import { describe, expect, it } from "vitest";
import { countdown, timeUntil } from "./format";

const now = Date.parse("2026-05-04T10:00:00Z");

describe("countdown", () => {
  it("shows the time left as a clock, with days when it is long", () => {
    expect(countdown("2026-05-04T10:00:07Z", now)).toBe("0:07");
    expect(countdown("2026-05-04T10:04:59Z", now)).toBe("4:59");
    expect(countdown("2026-05-04T11:05:03Z", now)).toBe("1:05:03");
    expect(countdown("2026-05-06T10:00:01Z", now)).toBe("2 d 0:00:01");
  });

  it("says now once the moment has passed, and nothing for no moment", () => {
    expect(countdown("2026-05-04T09:59:00Z", now)).toBe("now");
    expect(countdown("", now)).toBe("");
    expect(countdown("not a date", now)).toBe("");
  });
});

describe("timeUntil", () => {
  it("says a future moment as people do", () => {
    expect(timeUntil("2026-05-04T10:00:30Z", now)).toBe("in 30 s");
    expect(timeUntil("2026-05-04T10:15:00Z", now)).toBe("in 15 min");
    expect(timeUntil("2026-05-04T12:00:00Z", now)).toBe("in 2 h");
    expect(timeUntil("2026-05-07T10:00:00Z", now)).toBe("in 3 days");
    expect(timeUntil("2026-05-04T09:00:00Z", now)).toBe("due now");
  });
});
