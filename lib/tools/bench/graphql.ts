/**
 * Latency of the three timelines through the in-process GraphQL path, on a small and a large
 * database: the large figures must stay within 2x of the small ones (indexes, not scans).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npx tsx lib/tools/bench/graphql.ts
 *
 * DATABASE_URL names the server (and a database to connect to for administration). The bench creates
 * and drops its own databases, bench_10k and bench_1m, and refuses to touch one it did not create.
 * Options: --runs=200 --keep (leave the databases for inspection).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { withClient, withDatabase } from "../../db/pg-config";

const USERS = 10_000;
const FOLLOWED = 100;
const MARKER = "minitwit_bench_marker";
const PROFILED_USER = 42;
const PROFILED_MESSAGES = 100;
const DATASETS = [
  { name: "bench_10k", messages: 10_000 },
  { name: "bench_1m", messages: 1_000_000 },
] as const;

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key ?? "", value ?? "true"] as const;
  }),
);
const RUNS = Number(args.get("runs") ?? 200);
const KEEP = args.has("keep");
const ROUNDS = 4;

/** Drops a database only if this bench created it (it carries the marker table). */
async function dropIfOurs(serverUrl: string, name: string): Promise<void> {
  const exists = await withClient(serverUrl, async (c) => {
    const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return r.rowCount === 1;
  });
  if (!exists) return;
  const ours = await withClient(withDatabase(serverUrl, name), async (c) => {
    const r = await c.query("SELECT to_regclass($1) IS NOT NULL AS ours", [MARKER]);
    return r.rows[0]?.ours === true;
  });
  if (!ours)
    throw new Error(`Database ${name} exists and was not created by this bench: refusing to touch it`);
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`));
}

function migrations(): string[] {
  const dir = path.join(process.cwd(), "prisma", "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
}

async function createAndSeed(serverUrl: string, name: string, messages: number): Promise<string> {
  await dropIfOurs(serverUrl, name);
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(serverUrl, name);
  const started = performance.now();
  await withClient(url, async (c) => {
    await c.query(`CREATE TABLE ${MARKER} (created_at timestamptz DEFAULT now())`);
    for (const sql of migrations()) await c.query(sql);
    await c.query(
      `INSERT INTO users (username, email, pw_hash, created_at)
       SELECT 'user' || g, 'user' || g || '@bench.test', 'no-login', now() - interval '2 years'
       FROM generate_series(1, $1::int) g`,
      [USERS],
    );
    // Random authors and times over a year; one in a thousand flagged. The profiled user gets a
    // fixed 100 of them, so its page holds 30 messages on both databases and the figures compare.
    await c.query(
      `INSERT INTO messages (author_id, text, pub_date, flagged)
       SELECT CASE WHEN g <= $3::int THEN $4::int ELSE 1 + floor(random() * $2::int)::int END,
              'Message number ' || g || ' with some ordinary length of text, like a tweet would have.',
              now() - random() * interval '365 days',
              random() < 0.001
       FROM generate_series(1, $1::int) g`,
      [messages, USERS, PROFILED_MESSAGES, PROFILED_USER],
    );
    // user1 follows user2..user101; everyone else follows ten random users.
    await c.query(
      `INSERT INTO follows (follower_id, followee_id) SELECT 1, g FROM generate_series(2, $1::int + 1) g`,
      [FOLLOWED],
    );
    await c.query(
      `INSERT INTO follows (follower_id, followee_id)
       SELECT u, 1 + floor(random() * $1::int)::int FROM generate_series(2, $1::int) u, generate_series(1, 10)
       ON CONFLICT DO NOTHING`,
      [USERS],
    );
    await c.query("VACUUM ANALYZE");
  });
  console.log(
    `seeded ${name}: ${messages} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return url;
}

type Stats = { p50: number; p99: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Adds `runs` timings per query on `url` to `samples`. */
async function measure(url: string, runs: number, samples: Map<string, number[]>): Promise<void> {
  process.env.DATABASE_URL = url;
  // Imported late so the one client of the process connects to the database under test.
  const { disconnectDb } = await import("../../db/prisma");
  const { createContext } = await import("../../../graphql/context");
  const { runOperationOrThrow } = await import("../../../graphql/execute");
  const { parse } = await import("graphql");
  type Doc = Parameters<typeof runOperationOrThrow>[0];

  const page = `edges { cursor node { id text pubDate author { username avatarUrl } } } pageInfo { hasNextPage endCursor }`;
  const queries: { label: string; doc: Doc; variables: Record<string, unknown>; viewer: boolean }[] = [
    {
      label: "publicTimeline(first: 30)",
      doc: parse(`{ publicTimeline(first: 30) { ${page} } }`),
      variables: {},
      viewer: false,
    },
    {
      label: `homeTimeline(first: 30), following ${FOLLOWED}`,
      doc: parse(`{ homeTimeline(first: 30) { ${page} } }`),
      variables: {},
      viewer: true,
    },
    {
      label: "user.messages(first: 30)",
      doc: parse(`query ($u: String!) { user(username: $u) { messages(first: 30) { ${page} } } }`),
      variables: { u: `user${PROFILED_USER}` },
      viewer: false,
    },
  ];
  const viewer = { id: 1, username: "user1", role: "USER" as const };
  for (const q of queries) {
    const run = () =>
      runOperationOrThrow(q.doc, q.variables, createContext({ viewer: q.viewer ? viewer : null }));
    const first = (await run()) as Record<string, unknown>;
    if (JSON.stringify(first).length < 200)
      throw new Error(`${q.label} returned too little: ${JSON.stringify(first)}`);
    for (let i = 0; i < 30; i++) await run();
    const times = samples.get(q.label) ?? [];
    samples.set(q.label, times);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
  }
  await disconnectDb();
}

function stats(samples: Map<string, number[]>): Record<string, Stats> {
  const result: Record<string, Stats> = {};
  for (const [label, times] of samples) {
    const sorted = [...times].sort((a, b) => a - b);
    result[label] = { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
  return result;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("Set DATABASE_URL to a PostgreSQL server (any database on it)");
  const measured: Record<string, Record<string, Stats>> = {};
  const created: string[] = [];
  try {
    const urls: string[] = [];
    for (const dataset of DATASETS) {
      urls.push(await createAndSeed(serverUrl, dataset.name, dataset.messages));
      created.push(dataset.name);
    }
    // Alternating rounds, so a busy moment of the machine weighs on both databases alike.
    const samples = DATASETS.map(() => new Map<string, number[]>());
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, url] of urls.entries()) await measure(url, Math.ceil(RUNS / ROUNDS), samples[i]!);
    }
    DATASETS.forEach((dataset, i) => (measured[dataset.name] = stats(samples[i]!)));
  } finally {
    if (!KEEP) for (const name of created) await dropIfOurs(serverUrl, name);
  }
  const small = measured.bench_10k ?? {};
  const large = measured.bench_1m ?? {};
  const ms = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(2).padStart(7));
  console.log(`\n${RUNS} runs each, in process (runOperation), milliseconds\n`);
  console.log(
    `${"query".padEnd(40)} ${"10k p50".padStart(8)} ${"10k p99".padStart(8)} ${"1M p50".padStart(8)} ${"1M p99".padStart(8)}  ratio p50  ratio p99`,
  );
  let ok = true;
  for (const label of Object.keys(small)) {
    const s = small[label];
    const l = large[label];
    const r50 = l && s ? l.p50 / s.p50 : NaN;
    const r99 = l && s ? l.p99 / s.p99 : NaN;
    if (!(r50 <= 2)) ok = false;
    console.log(
      `${label.padEnd(40)} ${ms(s?.p50)}  ${ms(s?.p99)}  ${ms(l?.p50)}  ${ms(l?.p99)}  ${r50.toFixed(2).padStart(8)}x ${r99.toFixed(2).padStart(8)}x`,
    );
  }
  console.log(
    ok ? "\n1M within 2x of 10k (p50) for every query" : "\nSOME 1M p50 FIGURES EXCEED 2x THE 10k ONES",
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
