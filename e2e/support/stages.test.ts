import { describe, expect, it } from "vitest";

import { selectedStages, STAGES } from "./stages";

describe("npm test --stages", () => {
  it("runs every stage without the option", () => {
    expect([...selectedStages([])]).toEqual([...STAGES]);
  });

  it("runs only the named stages", () => {
    expect([...selectedStages(["--stages", "integration,system,e2e"])].sort()).toEqual([
      "e2e",
      "integration",
      "system",
    ]);
    expect([...selectedStages(["--stages=unit"])]).toEqual(["unit"]);
  });

  it("refuses an unknown or empty stage, naming the known ones", () => {
    expect(() => selectedStages(["--stages", "integration,sytem"])).toThrow(
      /unknown stage "sytem".*known: check, unit/,
    );
    expect(() => selectedStages(["--stages", ""])).toThrow(/unknown stage ""/);
  });

  it("refuses other options", () => {
    expect(() => selectedStages(["--stage", "unit"])).toThrow();
  });
});
