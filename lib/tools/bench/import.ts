/**
 * `npm run bench -- import`: how long `npm run import:legacy` takes for an original MiniTwit database
 * of 1,000,000 messages (10,000 users, 100,000 follows), into an empty database and into one that
 * already holds the same amount, with the dry run and the no-op second run beside it.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres node --import tsx lib/tools/bench/import.ts
 *
 * DATABASE_URL names the server; the bench creates and drops its own database, bench_import, and
 * refuses to touch one it did not create. Options: --messages=1000000 --keep (leave the file and
 * the database). The SQLite file is generated with sql.js, in the original's schema.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { applyMigrations } from "../../db/migrate";
import { withClient, withDatabase } from "../../db/pg-config";

const NAME = "bench_import";
const MARKER = "minitwit_bench_marker";

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key ?? "", value ?? "true"] as const;
  }),
);
const MESSAGES = Number(args.get("messages") ?? 1_000_000);
const USERS = Math.max(10, Math.round(MESSAGES / 100));
const FOLLOWS = USERS * 10;
const KEEP = args.has("keep");

/** Drops the bench's database only if this bench created it (it carries the marker table). */
async function dropIfOurs(serverUrl: string): Promise<void> {
  const exists = await withClient(serverUrl, async (c) => {
    const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [NAME]);
    return r.rowCount === 1;
  });
  if (!exists) return;
  const ours = await withClient(withDatabase(serverUrl, NAME), async (c) => {
    const r = await c.query("SELECT to_regclass($1) IS NOT NULL AS ours", [MARKER]);
    return r.rows[0]?.ours === true;
  });
  if (!ours)
    throw new Error(`Database ${NAME} exists and was not created by this bench: refusing to touch it`);
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE ${NAME} WITH (FORCE)`));
}

/**
 * An original MiniTwit file: pbkdf2 hashes (never verified here), 1 in 20 follows a duplicate and
 * 1 in 100 dangling, messages over a year in the order they were written, many sharing a second,
 * 1 in 1000 flagged and 1 in 10,000 without a time.
 */
async function writeLegacyFile(file: string, seed = 7): Promise<void> {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`
    create table user (user_id integer primary key autoincrement, username string not null,
      email string not null, pw_hash string not null);
    create table follower (who_id integer, whom_id integer);
    create table message (message_id integer primary key autoincrement, author_id integer not null,
      text string not null, pub_date integer, flagged integer);`);
  db.run("BEGIN");
  const user = db.prepare("insert into user (username, email, pw_hash) values (?, ?, ?)");
  for (let i = 1; i <= USERS; i++) {
    user.run([
      `Legacy User ${i}`,
      `user${i}@example.org`,
      `pbkdf2:sha256:600000$salt${i}$${"ab".repeat(32)}`,
    ]);
  }
  user.free();
  const follow = db.prepare("insert into follower (who_id, whom_id) values (?, ?)");
  for (let i = 0; i < FOLLOWS; i++) {
    const who = 1 + Math.floor(random() * USERS);
    const whom = i % 100 === 0 ? USERS + 1 + i : 1 + Math.floor(random() * USERS);
    follow.run([who, whom]);
    if (i % 20 === 0) follow.run([who, whom]);
  }
  follow.free();
  const message = db.prepare("insert into message (author_id, text, pub_date, flagged) values (?, ?, ?, ?)");
  const start = 1_600_000_000;
  for (let i = 0; i < MESSAGES; i++) {
    message.run([
      1 + Math.floor(random() * USERS),
      `Message number ${i} with some ordinary length of text, like a tweet would have.`,
      i % 10_000 === 5 ? null : start + Math.floor((i * 31_536_000) / MESSAGES),
      i % 1000 === 7 ? 1 : 0,
    ]);
  }
  message.free();
  db.run("COMMIT");
  await writeFile(file, db.export());
  db.close();
}

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime, stime, cutime, cstime and the parent of a process, from /proc (fields 14-17 and 4). */
function procStat(pid: number): { ppid: number; own: number; children: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text
      .slice(text.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    // fields[0] is field 3 (state): field n is fields[n - 3].
    return { ppid: fields[1]!, own: fields[11]! + fields[12]!, children: fields[13]! + fields[14]! };
  } catch {
    return null;
  }
}

/**
 * CPU seconds the whole PostgreSQL server has used (postmaster, its live processes, and those that
 * ended), when it runs on this machine: the machine is shared, so wall time alone says little.
 */
async function serverCpuSeconds(url: string): Promise<number | null> {
  // Read while this connection's backend still runs: its parent is the postmaster.
  const postmaster = await withClient(url, async (c) => {
    const { pid } = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!;
    return procStat(pid)?.ppid;
  });
  const root = postmaster === undefined ? null : procStat(postmaster);
  if (postmaster === undefined || !root) return null;
  let ticks = root.own + root.children;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === postmaster) ticks += stat.own;
  }
  return ticks / CLOCK_TICKS;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("DATABASE_URL must name a PostgreSQL server (npm run bench sets it)");
  const dir = await mkdtemp(path.join(os.tmpdir(), "minitwit-bench-import-"));
  const file = path.join(dir, "minitwit.db");
  const copy = path.join(dir, "minitwit-2.db");
  try {
    let started = performance.now();
    await writeLegacyFile(file);
    await writeLegacyFile(copy, 8);
    console.log(
      `generated two original MiniTwit files of ${MESSAGES.toLocaleString("en-US")} messages, ${USERS.toLocaleString("en-US")} users, ${FOLLOWS.toLocaleString("en-US")} follow rows (${((await stat(file)).size / 1024 / 1024).toFixed(0)} MiB each) in ${seconds(performance.now() - started)}`,
    );

    await dropIfOurs(serverUrl);
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${NAME}`));
    const url = withDatabase(serverUrl, NAME);
    await withClient(url, (c) => c.query(`CREATE TABLE ${MARKER} (created_at timestamptz DEFAULT now())`));
    await applyMigrations(url);
    process.env.DATABASE_URL = url;
    // Loaded after DATABASE_URL names the bench's database: the Prisma client reads it once.
    const { importLegacyDatabase } = await import("../legacy-import/import");
    const { disconnectDb } = await import("../../db/prisma");

    const rows: string[][] = [];
    const measure = async (
      label: string,
      target: string,
      options: { dryRun?: boolean; renameCollisions?: boolean },
    ) => {
      const cpu = process.cpuUsage();
      const serverBefore = await serverCpuSeconds(url);
      started = performance.now();
      const outcome = await importLegacyDatabase(target, options);
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const serverAfter = await serverCpuSeconds(url);
      const server = serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore;
      const report = outcome.kind === "imported" || outcome.kind === "dry-run" ? outcome.report : null;
      const perSecond = report
        ? Math.round(report.messages.total / (wall / 1000)).toLocaleString("en-US")
        : "-";
      rows.push([
        label,
        outcome.kind,
        seconds(wall),
        report ? seconds(report.seconds.users * 1000) : "-",
        report ? seconds(report.seconds.follows * 1000) : "-",
        report ? seconds(report.seconds.messages * 1000) : "-",
        perSecond,
        seconds((used.user + used.system) / 1000),
        server === null ? "n/a" : seconds(server * 1000),
        os.loadavg()[0]!.toFixed(1),
      ]);
      return outcome;
    };
    await measure("dry run", file, { dryRun: true });
    await measure("import, empty database", file, {});
    await measure("second run, same file", file, {});
    await measure("import, database holding 1x", copy, { renameCollisions: true });
    await disconnectDb();

    console.log(
      `\nImport of ${MESSAGES.toLocaleString("en-US")} messages (peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB)\n`,
    );
    const header = [
      "Run",
      "Outcome",
      "Total",
      "Users",
      "Follows",
      "Messages",
      "Messages/s",
      "Importer CPU",
      "PostgreSQL CPU",
      "Load (1 min)",
    ];
    console.log(`| ${header.join(" | ")} |`);
    console.log(`|${header.map(() => "---").join("|")}|`);
    for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  } finally {
    if (!KEEP) {
      await dropIfOurs(serverUrl).catch((error: unknown) => console.error(error));
      await rm(dir, { recursive: true, force: true });
    } else {
      console.log(`kept ${file} and database ${NAME}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
