import path from "node:path";
import type { ITXClientDenyList } from "@prisma/client/runtime/client";
import { db, type Db } from "../../db/prisma";
import {
  FollowPlanner,
  MessagePlanner,
  messageIdsInOriginalOrder,
  planUsers,
  type Collision,
  type FollowStats,
  type InvalidUser,
  type MessageStats,
  type PlannedMessage,
  type PlannedUser,
  type UserPlan,
} from "./plan";
import { pgArray } from "./pg-array";
import { LegacyImportError, openLegacyDatabase, type LegacySource, type LegacyUser } from "./source";

/**
 * `npm run import:legacy`: an original MiniTwit SQLite database into Minitwit's, all or nothing.
 * Users, follows and messages get new ids (so the target may already hold data), keep their names,
 * emails, password hashes, texts, flags and publication times; what cannot be kept is dropped and
 * counted, or stops the import before anything is written (see README "Moving from MiniTwit").
 */

export type Table = "users" | "follows" | "messages";

/** Told about each table as it goes; the command line draws a progress line from it. */
export type ImportProgress = {
  start(table: Table, rows: number): void;
  advance(table: Table, done: number): void;
  finish(table: Table): void;
};

export type ImportOptions = {
  dryRun?: boolean;
  renameCollisions?: boolean;
  progress?: ImportProgress;
};

export type SourceSummary = { file: string; fingerprint: string; bytes: number };

export type ImportReport = {
  source: SourceSummary;
  dryRun: boolean;
  /** Publication time given to messages that had none. */
  importTime: Date;
  users: { total: number; imported: number; plan: UserPlan };
  follows: FollowStats;
  messages: MessageStats;
  /** Seconds each table took. */
  seconds: Record<Table, number>;
  /** Why a real run would stop (dry runs only; a real run returns `refused` instead). */
  wouldRefuse: Refusal | null;
};

export type Refusal = {
  /** Collisions stop the import only without --rename-collisions. */
  collisions: Collision[];
  invalid: InvalidUser[];
};

export type PreviousImport = {
  importedAt: Date;
  fileName: string;
  users: number;
  follows: number;
  messages: number;
};

export type ImportOutcome =
  | { kind: "imported" | "dry-run"; report: ImportReport }
  | { kind: "already-imported"; source: SourceSummary; previous: PreviousImport }
  | { kind: "refused"; source: SourceSummary; refusal: Refusal };

/** The one client, or the transaction's view of it. */
type Client = Omit<Db, ITXClientDenyList | "pool">;

// Rows per INSERT: large enough that the per-statement cost vanishes, small enough to keep each
// statement's parameters a few megabytes.
const INSERT_BATCH = 10_000;
const ID_BATCH = 100_000;
// One import at a time per database: a second run of the same file waits, then finds the first's
// fingerprint, instead of failing on its usernames.
const IMPORT_LOCK = 7_282_014;
// An interactive transaction is rolled back after this long; a large file on a slow server may need it.
const TRANSACTION_TIMEOUT_MS = 60 * 60 * 1000;

export async function importLegacyDatabase(
  file: string,
  options: ImportOptions = {},
): Promise<ImportOutcome> {
  const source = await openLegacyDatabase(file);
  const summary: SourceSummary = { file, fingerprint: source.fingerprint, bytes: source.bytes };
  try {
    const users = source.users();
    const previous = await findPrevious(db(), source.fingerprint);
    if (previous) return { kind: "already-imported", source: summary, previous };
    if (options.dryRun) return await run(db(), source, users, options, false);
    return await db().$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK}::bigint)`;
        const concurrent = await findPrevious(tx, source.fingerprint);
        if (concurrent) return { kind: "already-imported", source: summary, previous: concurrent };
        return run(tx, source, users, options, true);
      },
      { maxWait: 60_000, timeout: TRANSACTION_TIMEOUT_MS },
    );
  } finally {
    source.close();
  }
}

async function findPrevious(client: Client, fingerprint: string): Promise<PreviousImport | null> {
  return client.legacyImport.findUnique({
    where: { fingerprint },
    select: { importedAt: true, fileName: true, users: true, follows: true, messages: true },
  });
}

async function run(
  client: Client,
  source: LegacySource,
  fileUsers: LegacyUser[],
  options: ImportOptions,
  write: boolean,
): Promise<ImportOutcome> {
  const summary: SourceSummary = { file: source.file, fingerprint: source.fingerprint, bytes: source.bytes };
  const importTime = new Date();
  const progress = options.progress;
  const seconds: Record<Table, number> = { users: 0, follows: 0, messages: 0 };

  // Every name, to compare case-insensitively in one place (username-key.ts), not by SQL collation.
  const existing = await client.user.findMany({ select: { username: true } });
  const plan = planUsers(
    fileUsers,
    existing.map((user) => user.username),
  );
  const refusal: Refusal = { collisions: plan.collisions, invalid: plan.invalid };
  const refused = plan.invalid.length > 0 || (plan.collisions.length > 0 && !options.renameCollisions);
  if (refused && write) return { kind: "refused", source: summary, refusal };

  let started = performance.now();
  progress?.start("users", plan.users.length);
  const userIds = new Map<number, number>();
  const newUserIds = write
    ? await allocateIds(client, "users", plan.users.length)
    : sequential(plan.users.length);
  plan.users.forEach((user, i) => userIds.set(user.legacyId, newUserIds[i]!));
  for (let from = 0; from < plan.users.length; from += INSERT_BATCH) {
    const batch = plan.users.slice(from, from + INSERT_BATCH);
    if (write) await insertUsers(client, batch, newUserIds.slice(from, from + INSERT_BATCH));
    progress?.advance("users", from + batch.length);
  }
  progress?.finish("users");
  seconds.users = (performance.now() - started) / 1000;

  started = performance.now();
  progress?.start("follows", source.counts.follows);
  const follows = new FollowPlanner(userIds);
  await pipelined(source.follows(), (batch) => {
    const pairs = batch.map((row) => follows.add(row)).filter((pair) => pair !== null);
    progress?.advance("follows", follows.stats.total);
    return write && pairs.length > 0 ? insertFollows(client, pairs) : null;
  });
  progress?.finish("follows");
  seconds.follows = (performance.now() - started) / 1000;

  started = performance.now();
  progress?.start("messages", source.counts.messages);
  const order = source.publicTimelineOrder();
  const allocated = write ? await allocateIds(client, "messages", order.length) : sequential(order.length);
  const messages = new MessagePlanner(userIds, messageIdsInOriginalOrder(order, allocated), importTime);
  await pipelined(source.messages(), (batch) => {
    const rows = batch.map((row) => messages.add(row)).filter((row) => row !== null);
    progress?.advance("messages", messages.stats.total);
    return write && rows.length > 0 ? insertMessages(client, rows) : null;
  });
  progress?.finish("messages");
  seconds.messages = (performance.now() - started) / 1000;

  if (write) {
    await client.legacyImport.create({
      data: {
        fingerprint: source.fingerprint,
        fileName: path.resolve(source.file),
        users: plan.users.length,
        follows: follows.stats.imported,
        messages: messages.stats.imported,
      },
    });
  }
  return {
    kind: write ? "imported" : "dry-run",
    report: {
      source: summary,
      dryRun: !write,
      importTime,
      users: { total: fileUsers.length, imported: plan.users.length, plan },
      follows: follows.stats,
      messages: messages.stats,
      seconds,
      wouldRefuse: refused ? refusal : null,
    },
  };
}

/**
 * Reads the next batch from the file while the previous batch's INSERT runs on the server: SQLite
 * (in this process) and PostgreSQL work at the same time. `insert` returns null for nothing to write.
 */
async function pipelined<T>(batches: Iterable<T[]>, insert: (batch: T[]) => PromiseLike<unknown> | null) {
  let pending: Promise<unknown> | null = null;
  for (const batch of batches) {
    const next = insert(batch);
    if (pending) await pending;
    // A Prisma query starts once awaited; a turn of the event loop sends it before the (synchronous)
    // read of the next batch. Its failure is awaited below, not left unhandled meanwhile.
    pending = next ? Promise.resolve(next) : null;
    pending?.catch(() => undefined);
    if (pending) await new Promise((resolve) => setImmediate(resolve));
  }
  if (pending) await pending;
}

function sequential(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * `n` ids from the table's own sequence, ascending: others inserting at the same time take theirs
 * from it too, so nothing collides. Raw SQL: the model API has no way to draw from a sequence.
 */
async function allocateIds(client: Client, table: "users" | "messages", n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let from = 0; from < n; from += ID_BATCH) {
    const count = Math.min(ID_BATCH, n - from);
    const [row] = await client.$queryRaw<{ ids: number[] }[]>`
      SELECT array_agg(v::int ORDER BY v) AS ids
      FROM (SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS v FROM generate_series(1, ${count}::int)) s`;
    ids.push(...(row?.ids ?? []));
  }
  if (ids.length !== n) throw new Error(`allocated ${ids.length} ids for ${n} ${table}`);
  return ids;
}

// The three INSERTs are raw SQL, `unnest` over one array per column: a batch is one statement with a
// parameter per column, each sent as PostgreSQL's array text (pgArray). createMany binds a parameter
// per value; for 50,000 messages it measured here 5 to 10 times the time and 10 times this process's
// CPU (110 µs a row), minutes for a million.

async function insertUsers(client: Client, users: PlannedUser[], ids: number[]): Promise<void> {
  const inserted = await client.$executeRaw`
    INSERT INTO users (id, username, email, pw_hash)
    SELECT * FROM unnest(${pgArray(ids)}::int[], ${pgArray(users.map((u) => u.username))}::text[],
                         ${pgArray(users.map((u) => u.email))}::text[], ${pgArray(users.map((u) => u.pwHash))}::text[])
    ON CONFLICT DO NOTHING`;
  if (inserted !== users.length) {
    // Checked before the transaction's first write; only a sign-up during the import gets here.
    throw new LegacyImportError(
      "A user registered one of the imported usernames while the import ran, so the import was rolled back. Run it again.",
    );
  }
}

function insertFollows(client: Client, pairs: { followerId: number; followeeId: number }[]) {
  return client.$executeRaw`
    INSERT INTO follows (follower_id, followee_id)
    SELECT * FROM unnest(${pgArray(pairs.map((p) => p.followerId))}::int[], ${pgArray(pairs.map((p) => p.followeeId))}::int[])`;
}

/** Times travel as Unix seconds: PostgreSQL reads a number about three times faster than a date's text. */
function insertMessages(client: Client, rows: PlannedMessage[]) {
  return client.$executeRaw`
    INSERT INTO messages (id, author_id, text, pub_date, flagged)
    SELECT id, author_id, text, to_timestamp(seconds), flagged
    FROM unnest(${pgArray(rows.map((r) => r.id))}::int[], ${pgArray(rows.map((r) => r.authorId))}::int[],
                ${pgArray(rows.map((r) => r.text))}::text[], ${pgArray(rows.map((r) => r.pubDate.getTime() / 1000))}::float8[],
                ${pgArray(rows.map((r) => r.flagged))}::bool[]) AS m(id, author_id, text, seconds, flagged)`;
}
