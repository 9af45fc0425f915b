import { describe, expect, it } from "vitest";
import { fromGlobalId, toGlobalId } from "@/graphql/global-id";
import { parseFlagArgs } from "./flag-args";

describe("parseFlagArgs", () => {
  it("flags numeric ids, as the original tool did", () => {
    expect(parseFlagArgs(["3", "7", "3"], fromGlobalId)).toEqual({ kind: "run", flagged: true, ids: [3, 7] });
  });

  it("unflags with --unflag anywhere", () => {
    expect(parseFlagArgs(["5", "--unflag"], fromGlobalId)).toEqual({ kind: "run", flagged: false, ids: [5] });
  });

  it("accepts the global ids the web UI and API show", () => {
    expect(parseFlagArgs([toGlobalId("Message", 42)], fromGlobalId)).toEqual({
      kind: "run",
      flagged: true,
      ids: [42],
    });
  });

  it("refuses anything else", () => {
    expect(parseFlagArgs([], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs(["0"], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs(["99999999999"], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs([toGlobalId("User", 1)], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs(["--force", "1"], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs(["abc"], fromGlobalId).kind).toBe("error");
    expect(parseFlagArgs(["1", "--help"], fromGlobalId).kind).toBe("help");
  });
});
