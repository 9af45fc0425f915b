import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { promisify } from "node:util";

import { tempDir } from "@/e2e/harness/server";
import { runWhenEntry, tsEntry } from "@/lib/tools/cli/ts-entry";
import { pgTool } from "@/lib/tools/cli/restore";
import { withClient, withDatabase } from "@/lib/db/pg-config";
import { loadScenario } from "@/lib/tools/simulator/sample";

import {
  Cleanup,
  continuousReplay,
  log,
  newAuthSecret,
  numberOption,
  requireBuild,
  startDatabase,
  startInstance,
} from "./cluster";

const run = promisify(execFile);

/**
 * Backups that restore: while the simulator writes through an app instance, the rows committed so far
 * are read, then docker/backup/backup.sh (the backup service's script) takes a pg_dump custom-format
 * dump, and `npm run db:restore` restores it into a fresh database. Every row read before the dump
 * began (users and messages, by id and content) must be in the restored database, unchanged.
 * Prints the counts; exits 1 when a row is missing or differs.
 *
 *   node --import tsx lib/tools/faults/backup-restore.ts [--simulators 2] [--before 4]
 */
type Snapshot = {
  users: Map<number, string>;
  messages: Map<number, string>;
  follows: number;
};

async function snapshot(url: string): Promise<Snapshot> {
  return withClient(url, async (client) => {
    const users = await client.query<{ id: number; username: string }>("SELECT id, username FROM users");
    const messages = await client.query<{ id: number; line: string }>(
      "SELECT id, author_id || ' ' || text AS line FROM messages",
    );
    const follows = await client.query<{ n: string }>("SELECT count(*) AS n FROM follows");
    return {
      users: new Map(users.rows.map((r) => [r.id, r.username])),
      messages: new Map(messages.rows.map((r) => [r.id, r.line])),
      follows: Number(follows.rows[0]?.n ?? 0),
    };
  });
}

function missingFrom(before: Map<number, string>, after: Map<number, string>): number {
  let missing = 0;
  for (const [id, value] of before) if (after.get(id) !== value) missing += 1;
  return missing;
}

export async function runBackupRestore(options: {
  simulators: number;
  beforeSeconds: number;
  /** A scenario file; the course's sample or a generated one when absent (lib/tools/simulator/sample.ts). */
  scenario?: string;
}): Promise<boolean> {
  requireBuild();
  const cleanup = new Cleanup();
  try {
    const { actions: scenario, source } = await loadScenario(options.scenario);
    log(`scenario: ${source}`);
    const database = await startDatabase();
    cleanup.add(() => database.stop());
    const instance = await startInstance({ databaseUrl: database.url, authSecret: newAuthSecret() });
    cleanup.add(() => instance.server.stop("SIGKILL"));
    const replay = continuousReplay({
      url: instance.server.url,
      scenario,
      copies: options.simulators,
      timeoutMs: 2000,
    });
    await sleep(options.beforeSeconds * 1000);

    const work = await tempDir("minitwit-backups-");
    cleanup.add(() => work.remove());
    const committed = await snapshot(database.url);
    const sentBefore = replay.sent();
    const url = new URL(database.url);
    const started = Date.now();
    const backup = await run("bash", ["docker/backup/backup.sh"], {
      env: {
        ...process.env,
        BACKUP_ONCE: "1",
        BACKUP_DIR: work.dir,
        PG_DUMP: pgTool("pg_dump"),
        PGHOST: url.hostname,
        PGPORT: url.port,
        PGUSER: "postgres",
        PGDATABASE: "postgres",
      },
    });
    const dumpMs = Date.now() - started;
    const sentDuring = replay.sent() - sentBefore;
    process.stdout.write(backup.stdout);
    await sleep(1000);
    await replay.stop();
    const written = replay.sent();

    const [file] = readdirSync(work.dir).filter((name) => name.endsWith(".dump"));
    if (file === undefined) throw new Error("backup.sh wrote no dump");
    const dump = path.join(work.dir, file);

    const fresh = withDatabase(database.url, "restored");
    await withClient(database.url, (client) => client.query("CREATE DATABASE restored"));
    const [command, args] = tsEntry("lib/tools/cli/restore.ts", [dump]);
    const restore = await run(command, args, { env: { ...process.env, DATABASE_URL: fresh } });
    process.stdout.write(restore.stdout);
    const restored = await snapshot(fresh);

    const missingUsers = missingFrom(committed.users, restored.users);
    const missingMessages = missingFrom(committed.messages, restored.messages);
    console.log("\nbackup while the simulator writes, restored into a fresh database:");
    console.log(
      `  dump: ${file}, ${statSync(dump).size} bytes, ${dumpMs} ms; ${sentDuring} requests answered meanwhile`,
    );
    console.log(`  requests sent over the run: ${written}`);
    console.log(
      `  committed before the dump: ${committed.users.size} users, ${committed.messages.size} messages, ${committed.follows} follows`,
    );
    console.log(
      `  in the restored database:  ${restored.users.size} users, ${restored.messages.size} messages, ${restored.follows} follows`,
    );
    console.log(`  missing or changed after restore: ${missingUsers} users, ${missingMessages} messages`);
    const ok =
      missingUsers === 0 && missingMessages === 0 && committed.users.size > 0 && committed.messages.size > 0;
    console.log(ok ? "RESULT: every row committed before the dump was restored" : "RESULT: FAILED");
    return ok;
  } finally {
    await cleanup.run();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      simulators: { type: "string" },
      before: { type: "string" },
      scenario: { type: "string" },
    },
  });
  log("backup and restore under load");
  const ok = await runBackupRestore({
    simulators: numberOption(values.simulators, 2, "simulators"),
    beforeSeconds: numberOption(values.before, 4, "before"),
    scenario: values.scenario,
  });
  return ok ? 0 : 1;
}

runWhenEntry("backup-restore.ts", main);
