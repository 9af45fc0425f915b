import { setTimeout as sleep } from "node:timers/promises";

import pg from "pg";

import { ensureAppRole } from "@/lib/db/app-role";
import { pgConfigFromUrl } from "@/lib/db/pg-config";

/**
 * A server out of connection slots, made certain. The app connects as a role that is not a superuser
 * (as in production); the filler connects as the superuser. PostgreSQL refuses a non-superuser while
 * no more than `superuser_reserved_connections` (3 by default) slots are free ("remaining connection
 * slots are reserved …"), and everyone once none is ("sorry, too many clients already"), both SQLSTATE
 * 53300. So the filler takes every free slot, then ends the app's connections one at a time and takes
 * each freed slot itself: at no moment is more than one slot free, and the app cannot win a slot back
 * however fast it reconnects. A watcher keeps taking any slot that frees up while the slots are held.
 */

/** The app's role in the fault runs: may log in and use the tables, nothing else. */
export const APP_ROLE = "minitwit_app";

/**
 * Creates `APP_ROLE` on the server of `superuserUrl` (whose database is migrated) as a deployment's
 * migration step does (`ensureAppRole`), and returns the URL the app connects with.
 */
export async function createAppRole(superuserUrl: string): Promise<string> {
  const url = new URL(superuserUrl);
  url.username = APP_ROLE;
  url.password = "";
  await ensureAppRole(superuserUrl, url.toString());
  return url.toString();
}

export type SlotHold = {
  /** Connections the filler holds. */
  held: number;
  /** The app role's connections still open (0 once the hold is in place). */
  appConnections(): Promise<number>;
  /** Ends the filler's connections; the app may connect again. */
  release(): Promise<void>;
};

function isTooMany(error: unknown): boolean {
  return (error as { code?: string }).code === "53300";
}

/** One more superuser connection, or undefined when the server refuses it for lack of slots. */
async function grab(url: string): Promise<pg.Client | undefined> {
  const client = new pg.Client(pgConfigFromUrl(url));
  // A connection the server ends while held must not crash the run.
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    if (isTooMany(error)) return undefined;
    throw error;
  }
}

/**
 * Takes every connection slot of the server at `superuserUrl` and ends the app role's connections,
 * so that every connection the app opens is refused with 53300 until `release`. Throws when the app
 * still holds a connection after `limitMs`.
 */
export async function holdEverySlot(superuserUrl: string, limitMs = 10_000): Promise<SlotHold> {
  const held: pg.Client[] = [];
  const deadline = Date.now() + limitMs;
  const fill = async () => {
    for (;;) {
      const client = await grab(superuserUrl);
      if (!client) return;
      held.push(client);
    }
  };
  const appPids = async () =>
    (
      await held[0]!.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND backend_type = 'client backend'",
        [APP_ROLE],
      )
    ).rows.map((row) => row.pid);
  try {
    await fill();
    if (held.length === 0) throw new Error("the server refused the filler's first connection");
    for (;;) {
      const pids = await appPids();
      if (pids.length === 0) break;
      for (const pid of pids) {
        await held[0]!.query("SELECT pg_terminate_backend($1)", [pid]);
        // Take the slot it frees before anything else: until then one slot is free, fewer than reserved.
        for (;;) {
          const client = await grab(superuserUrl);
          if (client) {
            held.push(client);
            break;
          }
          if (Date.now() > deadline) throw new Error(`the app's connection ${pid} did not end`);
          await sleep(5);
        }
      }
      // Whatever else freed a slot meanwhile.
      await fill();
      if (Date.now() > deadline) throw new Error("the app kept connections through the filler");
    }
  } catch (error) {
    await Promise.all(held.map((client) => client.end().catch(() => {})));
    throw error;
  }
  let holding = true;
  // A slot that frees up during the hold (a client of the run's own ending) is taken again.
  const watcher = (async () => {
    while (holding) {
      await sleep(50);
      if (!holding) break;
      const client = await grab(superuserUrl).catch(() => undefined);
      if (client && holding) held.push(client);
      else await client?.end();
    }
  })();
  return {
    get held() {
      return held.length;
    },
    appConnections: async () => (await appPids()).length,
    async release() {
      holding = false;
      await watcher;
      await Promise.all(held.map((client) => client.end().catch(() => {})));
      held.length = 0;
    },
  };
}
