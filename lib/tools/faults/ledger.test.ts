import type pg from "pg";
import { describe, expect, it } from "vitest";

import type { ActionError } from "@/lib/tools/simulator/report";
import { parseScenario } from "@/lib/tools/simulator/scenario";

import { consequentialFailures, expectations, verify, type Round } from "./ledger";

const scenario = parseScenario(
  [
    "0\t0\t0\tregister\tann\tann@example.com\tpw",
    "1\t0\t0\tregister\tbob\tbob@example.com\tpw",
    "2\t0\t0\ttweet\tann\thello",
    "3\t0\t0\tfollow\tann\tbob",
    "4\t0\t0\ttweet\tbob\thi",
    "5\t0\t0\tunfollow\tann\tbob",
    "",
  ].join("\n"),
);

function failure(latest: number, kind = "502"): ActionError {
  return { time: new Date(0), host: "h", latest, kind, command: "tweet" };
}

/** A pg client stand-in answering the three reads of `verify` from in-memory tables. */
function fakeClient(tables: { users: string[]; messages: [string, string][]; follows: [string, string][] }) {
  return {
    query(sql: string) {
      if (sql.startsWith("SELECT username FROM users"))
        return { rows: tables.users.map((username) => ({ username })) };
      if (sql.includes("FROM messages")) {
        const counts = new Map<string, number>();
        for (const [u, t] of tables.messages) counts.set(`${u}\n${t}`, (counts.get(`${u}\n${t}`) ?? 0) + 1);
        return {
          rows: [...counts].map(([key, n]) => {
            const [username, text] = key.split("\n");
            return { username, text, n: String(n) };
          }),
        };
      }
      return { rows: tables.follows.map(([follower, followee]) => ({ follower, followee })) };
    },
  } as unknown as pg.Client;
}

describe("expectations", () => {
  it("promises what each copy's acknowledged requests wrote, under its own names", () => {
    const round: Round = { actions: scenario, copies: 2, suffix: " r1", errors: [] };
    const { sent, failed, expected } = expectations([round]);
    expect(sent).toBe(12);
    expect(failed).toBe(0);
    expect(expected).toContainEqual({ kind: "user", username: "ann r1 c2" });
    expect(expected).toContainEqual({ kind: "message", username: "bob r1 c1", text: "hi" });
    // The pair's last request decides: unfollowed.
    expect(expected).toContainEqual({
      kind: "follow",
      username: "ann r1 c1",
      target: "bob r1 c1",
      following: false,
    });
  });

  it("skips what a failed request leaves undecided", () => {
    // Copy 1 (of 2) of action 3 (the follow) failed: that pair may be either way for copy 1.
    const round: Round = { actions: scenario, copies: 2, suffix: "", errors: [failure(3 * 2 + 0)] };
    const { failed, expected } = expectations([round]);
    expect(failed).toBe(1);
    expect(expected.some((e) => e.kind === "follow" && e.username === "ann c1")).toBe(false);
    expect(expected).toContainEqual({
      kind: "follow",
      username: "ann c2",
      target: "bob c2",
      following: false,
    });
  });
});

describe("verify", () => {
  const round: Round = { actions: scenario.slice(0, 4), copies: 1, suffix: "", errors: [] };

  it("passes when every acknowledged write is there", async () => {
    const client = fakeClient({
      users: ["ann", "bob"],
      messages: [["ann", "hello"]],
      follows: [["ann", "bob"]],
    });
    const verdict = await verify(client, [round]);
    expect(verdict).toMatchObject({ sent: 4, acknowledged: 4, failed: 0, checked: 4, missing: [] });
  });

  it("names each acknowledged write that is missing", async () => {
    const client = fakeClient({ users: ["ann"], messages: [], follows: [] });
    const verdict = await verify(client, [round]);
    expect(verdict.missing).toEqual(['user "bob"', 'message of "ann": "hello"', '"ann" follows "bob"']);
  });

  it("counts repeated tweets one row each", async () => {
    const twice = parseScenario("0\t0\t0\ttweet\tann\tsame\n1\t0\t0\ttweet\tann\tsame\n");
    const client = fakeClient({ users: [], messages: [["ann", "same"]], follows: [] });
    const verdict = await verify(client, [{ actions: twice, copies: 1, suffix: "", errors: [] }]);
    expect(verdict.missing).toEqual(['message of "ann": "same"']);
  });
});

describe("consequentialFailures", () => {
  it("blames a user's later 404s on its failed register, not on the fault", () => {
    const round: Round = {
      actions: scenario,
      copies: 1,
      suffix: "",
      errors: [failure(1, "503"), failure(3, "404"), failure(4, "404"), failure(2, "500")],
    };
    expect([...consequentialFailures(round)].sort()).toEqual([3, 4]);
  });
});
