import { describe, expect, it } from "vitest";

import { createRng, generateScenario } from "./generate";
import { parseAction, serializeAction, serializeScenario, type Action } from "./scenario";

const generate = (actions: number, users: number, seed: number) => [
  ...generateScenario({ actions, users, seed }),
];

describe("createRng", () => {
  it("is deterministic per seed and stays in [0, 1)", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(990);
  });
});

describe("generateScenario", () => {
  const actions = generate(4000, 60, 7);

  it("gives the same scenario for the same options and another for another seed", () => {
    expect(serializeScenario(generate(4000, 60, 7))).toBe(serializeScenario(actions));
    expect(serializeScenario(generate(4000, 60, 8))).not.toBe(serializeScenario(actions));
  });

  it("writes exactly the requested number of actions with consecutive ids and consistent times", () => {
    expect(actions).toHaveLength(4000);
    actions.forEach((action, i) => {
      expect(action.id).toBe(i);
      expect(action.delayMs).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(action.timestampMs - (actions[i - 1] as Action).timestampMs).toBe(action.delayMs);
    });
  });

  it("produces lines that survive the format unchanged", () => {
    for (const action of actions) expect(parseAction(serializeAction(action))).toEqual(action);
  });

  it("registers every user once, before the user acts or is followed", () => {
    const registered = new Set<string>();
    for (const action of actions) {
      if (action.command === "register") {
        expect(registered.has(action.username)).toBe(false);
        expect(action.email).toContain("@");
        expect(action.password).not.toBe("");
        registered.add(action.username);
        continue;
      }
      expect(registered.has(action.username)).toBe(true);
      if (action.command !== "tweet") {
        expect(registered.has(action.target)).toBe(true);
        expect(action.target).not.toBe(action.username);
      }
    }
    expect(registered.size).toBe(60);
  });

  it("mixes commands like the sample, unfollowing some users it does not follow", () => {
    const count = (command: Action["command"]) => actions.filter((a) => a.command === command).length;
    expect(count("tweet") / 4000).toBeGreaterThan(0.35);
    expect(count("follow") / 4000).toBeGreaterThan(0.25);
    expect(count("unfollow") / 4000).toBeGreaterThan(0.1);
    const follows = new Map<string, Set<string>>();
    let strayUnfollows = 0;
    for (const action of actions) {
      if (action.command !== "follow" && action.command !== "unfollow") continue;
      const set = follows.get(action.username) ?? new Set<string>();
      follows.set(action.username, set);
      if (action.command === "follow") set.add(action.target);
      else if (!set.delete(action.target)) strayUnfollows++;
    }
    expect(strayUnfollows).toBeGreaterThan(0);
  });

  it("uses the characters that trip up real servers", () => {
    const names = actions.filter((a) => a.command === "register").map((a) => a.username);
    expect(names.every((name) => name.includes(" "))).toBe(true);
    expect(names.some((name) => /[^\x00-\x7f]/.test(name))).toBe(true);
    const tweets = actions.flatMap((a) => (a.command === "tweet" ? [a.content] : []));
    expect(tweets.some((text) => /[“”’—]/.test(text))).toBe(true);
    expect(tweets.some((text) => /\p{Extended_Pictographic}/u.test(text))).toBe(true);
    expect(tweets.every((text) => text.length > 0 && Array.from(text).length <= 140)).toBe(true);
    const passwords = actions.flatMap((a) => (a.command === "register" ? [a.password] : []));
    expect(passwords.some((pwd) => /["'\\]/.test(pwd))).toBe(true);
  });

  it("copes with fewer actions than users and with a single user", () => {
    expect(generate(5, 100, 1).every((a) => a.command === "register")).toBe(true);
    expect(generate(50, 1, 1).filter((a) => a.command === "register")).toHaveLength(1);
    expect(generate(0, 3, 1)).toEqual([]);
  });
});
