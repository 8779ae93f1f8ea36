import { describe, expect, it } from "vitest";
import { can, NEEDS, roleText } from "./access";

describe("access", () => {
  it("allows what the user's permissions hold, and names the role for the rest", () => {
    const held = new Set(["flows.view_flow", "flows.change_flow"]);
    expect(can("flows.change_flow", held)).toBe(true);
    expect(can("flows.publish_flow", held)).toBe(false);
    expect(NEEDS["flows.publish_flow"]).toBe("Publishing needs the Publisher role");
  });

  it("says which roles a user has", () => {
    expect(roleText(["Viewer"])).toBe("the Viewer role");
    expect(roleText([])).toBe("no role");
  });
});
