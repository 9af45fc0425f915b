import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../tools/simulator/scenario";
import { isReservedUsername, normalizeUsername, usernameKey, usernameProblem } from "./username";

describe("usernameProblem", () => {
  it.each([
    "alice",
    "Roger Histand",
    "Zoë Ångström",
    "O'Brien-Smith",
    "Jean.Luc_2",
    "Σωκράτης",
    "Дмитрий",
    "山田 太郎",
    "é".repeat(64),
  ])("accepts %j", (name) => {
    expect(usernameProblem(name)).toBeNull();
  });

  it.each([
    ["", "You have to enter a username"],
    ["   ", "You have to enter a username"],
    ["\u3000", "You have to enter a username"],
    ["é".repeat(65), "The username must be at most 64 characters"],
    ["a/b", "must not contain /"],
    ["a\\b", "must not contain /"],
    ["100%", "must not contain /"],
    ["line\r\nbreak", "control characters"],
    ["a\u0000b", "control characters"],
    ["a\u2028b", "control characters"],
    ["zero\u200bwidth", "invisible"],
    ["joiner\u200d", "invisible"],
    ["\ufeffbom", "invisible"],
    ["evil\u202egnp.exe", "invisible"],
    ["isolate\u2066x\u2069", "invisible"],
    ["lone\ud800", "invisible"],
    [" alice", "start or end with a space"],
    ["alice ", "start or end with a space"],
    ["alice\u00a0", "start or end with a space"],
    ["\u0430dmin", "mix letters"], // Cyrillic а, then Latin
    ["p\u0430ypal", "mix letters"],
    ["\u03bfmega o", "mix letters"], // Greek ο beside Latin
    ["admin", "reserved"],
    ["Admin", "reserved"],
    ["LOGIN", "reserved"],
    ["..", "reserved"],
    ["\uff41\uff44\uff4d\uff49\uff4e", "reserved"], // fullwidth "admin"
  ])("refuses %j (%s)", (name, message) => {
    expect(usernameProblem(name)).toContain(message);
  });
});

describe("usernameKey", () => {
  it("is the same for names that differ only in case or Unicode form", () => {
    expect(usernameKey("Carol")).toBe(usernameKey("carol"));
    expect(usernameKey("CAROL")).toBe("carol");
    expect(usernameKey("Zoe\u0308")).toBe(usernameKey("zoë"));
    expect(usernameKey("ÉMILE")).toBe(usernameKey("émile"));
  });

  it("tells different names apart", () => {
    expect(usernameKey("carol")).not.toBe(usernameKey("caro1"));
    expect(usernameKey("\u0430dmin")).not.toBe(usernameKey("admin"));
  });
});

describe("normalizeUsername", () => {
  it("stores one spelling (NFC)", () => {
    expect(normalizeUsername("Zoe\u0308")).toBe("Zoë");
    expect(normalizeUsername("Zoë")).toBe("Zoë");
  });
});

// The course's scenario, where it sits beside the repository (as for `npm run bench:sim`): every
// name it uses must stay usable, and its names must stay distinct under the key (a collision would
// make a later register answer "taken"). The system test registers them all on a running server.
const SCENARIO = path.resolve(__dirname, "../../../shared/data/minitwit_scenario.csv");

describe.runIf(existsSync(SCENARIO))("the simulator's scenario", () => {
  const actions = existsSync(SCENARIO) ? parseScenario(readFileSync(SCENARIO, "utf8")) : [];
  const registered = actions.flatMap((a) => (a.command === "register" ? [a.username] : []));
  const used = new Set(
    actions.flatMap((a) =>
      a.command === "follow" || a.command === "unfollow" ? [a.username, a.target] : [a.username],
    ),
  );

  it("registers every name it uses", () => {
    expect(registered.length).toBeGreaterThan(100);
    expect(registered.filter((name) => usernameProblem(name) !== null)).toEqual([]);
    expect([...used].filter((name) => usernameProblem(name) !== null)).toEqual([]);
  });

  it("has no two names with one key, and none reserved", () => {
    expect(new Set(registered.map(usernameKey)).size).toBe(new Set(registered).size);
    expect(registered.filter(isReservedUsername)).toEqual([]);
  });
});
