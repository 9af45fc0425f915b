import type pg from "pg";

import type { ActionError } from "@/lib/tools/simulator/report";
import type { Action } from "@/lib/tools/simulator/scenario";

/**
 * What a replay sent and what the server acknowledged, checked against the database afterwards.
 * The simulator reports only failures; every request it sent that did not fail was acknowledged (204,
 * or 400 for a register of a name that exists). A round replays the scenario's first actions as
 * `copies` simulators at once; copy `c` of action `a` carried `latest = a.id * copies + c` and the
 * username suffix `<round suffix> c<c+1>` (lib/tools/simulator/runner.ts), so a failure names its request.
 */
export interface Round {
  actions: readonly Action[];
  copies: number;
  /** The runner's `usernameSuffix` of this round. */
  suffix: string;
  errors: ActionError[];
}

export interface Verdict {
  /** Requests sent, over all rounds. */
  sent: number;
  acknowledged: number;
  failed: number;
  /** Acknowledged writes checked against the database (follow states only where decidable). */
  checked: number;
  /** Acknowledged writes the database does not have: must be empty. */
  missing: string[];
}

function copyName(name: string, round: Round, copy: number): string {
  return name + round.suffix + (round.copies > 1 ? ` c${copy + 1}` : "");
}

type Expectation =
  | { kind: "user"; username: string }
  | { kind: "message"; username: string; text: string }
  | { kind: "follow"; username: string; target: string; following: boolean };

/** The writes each round's acknowledged requests promise, in the order they were sent per copy. */
export function expectations(rounds: readonly Round[]): {
  sent: number;
  failed: number;
  expected: Expectation[];
} {
  const expected: Expectation[] = [];
  let sent = 0;
  let failed = 0;
  for (const round of rounds) {
    const failedLatest = new Set(round.errors.map((error) => error.latest));
    failed += failedLatest.size;
    for (let copy = 0; copy < round.copies; copy++) {
      // A pair's state is decidable when every request on it was acknowledged: a failed one may or
      // may not have been applied (a request cut off in flight can have committed).
      const pairs = new Map<string, { last: Expectation; decidable: boolean }>();
      for (const action of round.actions) {
        sent += 1;
        const ok = !failedLatest.has(action.id * round.copies + copy);
        const username = copyName(action.username, round, copy);
        switch (action.command) {
          case "register":
            if (ok) expected.push({ kind: "user", username });
            break;
          case "tweet":
            if (ok) expected.push({ kind: "message", username, text: action.content });
            break;
          case "follow":
          case "unfollow": {
            const target = copyName(action.target, round, copy);
            const key = `${username}\n${target}`;
            const previous = pairs.get(key);
            pairs.set(key, {
              last: { kind: "follow", username, target, following: action.command === "follow" },
              decidable: ok && (previous?.decidable ?? true),
            });
            break;
          }
        }
      }
      for (const { last, decidable } of pairs.values()) if (decidable) expected.push(last);
    }
  }
  return { sent, failed, expected };
}

/**
 * The failures that follow from an earlier failure rather than from the fault itself: the scenario
 * registers each user once, so when that register failed, the user's later tweets and follows (and
 * follows of them) answer 404 however healthy the server is by then. The course's simulator sees the
 * same. Returned as the `latest` ids of those failures, per round.
 */
export function consequentialFailures(round: Round): Set<number> {
  const failedLatest = new Set(round.errors.map((error) => error.latest));
  const result = new Set<number>();
  for (let copy = 0; copy < round.copies; copy++) {
    const unregistered = new Set<string>();
    for (const action of round.actions) {
      const latest = action.id * round.copies + copy;
      if (action.command === "register") {
        if (failedLatest.has(latest)) unregistered.add(action.username);
        continue;
      }
      const target = action.command === "tweet" ? undefined : action.target;
      const dependsOnFailure =
        unregistered.has(action.username) || (target !== undefined && unregistered.has(target));
      if (dependsOnFailure && failedLatest.has(latest)) result.add(latest);
    }
  }
  return result;
}

/** Reads users, messages and follows once and reports every acknowledged write that is not there. */
export async function verify(client: pg.Client, rounds: readonly Round[]): Promise<Verdict> {
  const { sent, failed, expected } = expectations(rounds);
  const users = new Set<string>();
  for (const row of (await client.query<{ username: string }>("SELECT username FROM users")).rows) {
    users.add(row.username);
  }
  const messages = new Map<string, number>();
  const messageRows = await client.query<{ username: string; text: string; n: string }>(
    `SELECT u.username, m.text, count(*) AS n FROM messages m JOIN users u ON u.id = m.author_id
     GROUP BY u.username, m.text`,
  );
  for (const row of messageRows.rows) messages.set(`${row.username}\n${row.text}`, Number(row.n));
  const follows = new Set<string>();
  const followRows = await client.query<{ follower: string; followee: string }>(
    `SELECT a.username AS follower, b.username AS followee FROM follows f
     JOIN users a ON a.id = f.follower_id JOIN users b ON b.id = f.followee_id`,
  );
  for (const row of followRows.rows) follows.add(`${row.follower}\n${row.followee}`);

  const missing: string[] = [];
  for (const item of expected) {
    switch (item.kind) {
      case "user":
        if (!users.has(item.username)) missing.push(`user ${JSON.stringify(item.username)}`);
        break;
      case "message": {
        // Repeated texts are counted: each acknowledged tweet needs its own row.
        const key = `${item.username}\n${item.text}`;
        const left = messages.get(key) ?? 0;
        if (left <= 0)
          missing.push(`message of ${JSON.stringify(item.username)}: ${JSON.stringify(item.text)}`);
        else messages.set(key, left - 1);
        break;
      }
      case "follow": {
        const present = follows.has(`${item.username}\n${item.target}`);
        if (present !== item.following) {
          missing.push(
            `${JSON.stringify(item.username)} ${item.following ? "follows" : "does not follow"} ${JSON.stringify(item.target)}`,
          );
        }
        break;
      }
    }
  }
  return { sent, acknowledged: sent - failed, failed, checked: expected.length, missing };
}
