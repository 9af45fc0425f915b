/**
 * The course's simulator, replayed end to end: a generated scenario of a few thousand actions sent
 * through the simulator CLI's runner to the started server, one new connection per request with the
 * 0.3 s limit, must produce no error at all. Run with TEST_DATABASE_URL to do it on real PostgreSQL.
 */
import { randomBytes } from "node:crypto";

import { expect, it } from "vitest";

import { generateScenario } from "@/lib/tools/simulator/generate";
import { formatErrorLine, type ActionError } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";

const BASE = `${process.env.MINITWIT_TEST_URL ?? "http://127.0.0.1:3000"}/sim`;

it("replays a generated 3,000-action scenario with 0 errors", async () => {
  const actions = [...generateScenario({ actions: 3000, users: 40, seed: 2026 })];
  const errors: ActionError[] = [];
  const suffix = ` ${randomBytes(3).toString("hex")}`;
  const stats = await runScenario({
    baseUrl: BASE,
    actions,
    usernameSuffix: suffix,
    onError: (error) => errors.push(error),
  });
  expect(errors.map(formatErrorLine)).toEqual([]);
  expect(stats.actions).toBe(3000);
  expect(stats.latency.count).toBe(3000);

  // The replay left the state the scenario describes: the last latest id, and the tweets.
  const latest = await fetch(`${BASE}/latest`).then((r) => r.json());
  expect(latest).toEqual({ latest: 2999 });
  const first = actions.find((a) => a.command === "tweet");
  const theirs = actions.flatMap((a) =>
    a.command === "tweet" && a.username === first?.username ? [a.content] : [],
  );
  const listed = await fetch(`${BASE}/msgs/${encodeURIComponent(`${first?.username}${suffix}`)}?no=10000`, {
    headers: { authorization: "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh" },
  }).then((r) => r.json() as Promise<{ content: string }[]>);
  expect(listed.map((m) => m.content)).toEqual(theirs.reverse());
});
