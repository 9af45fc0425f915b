import { db } from "../db/prisma";
import { env } from "../runtime/env";
import { Prisma } from "../generated/prisma/client";

/**
 * The start of an action's own write statement that also records the simulator's `latest` (a
 * data-modifying CTE; empty when there is none to record): one statement, one round trip and one
 * commit per simulator action, and `latest` is exactly as durable as the action. If the action's
 * write fails, so does the recording; the protocol layer then records it on its own. Raw SQL: the
 * model API cannot put two tables' writes into one statement.
 */
export function recordingLatest(latest: bigint | undefined): Prisma.Sql {
  if (latest === undefined) return Prisma.empty;
  return Prisma.sql`WITH recorded_latest AS (
    INSERT INTO simulator_state (id, latest) VALUES (1, ${latest.toString()}::bigint)
    ON CONFLICT (id) DO UPDATE SET latest = EXCLUDED.latest)
  `;
}

/**
 * The simulator's `latest` action id lives in one database row, so every app instance answers the
 * same. One upsert statement: no read-modify-write race between instances. This is the recording of
 * a request that writes nothing else (a read, a refusal, a failed action, a registration); actions
 * record it inside their own statement (`recordingLatest`).
 *
 * Its commit does not wait for the disk (`synchronous_commit` off for this one transaction): every
 * simulator request records `latest`, and a second flush per request doubled the protocol's latency
 * on a disk whose flush takes milliseconds. The row is visible to every instance at once as before;
 * the write-ahead log is sequential, so the request's own durable commit right after (or the WAL
 * writer, within 200 ms) makes it durable too. Only a crash in that window can lose the value, and
 * then only the id of a request that wrote nothing else. Raw SQL: the model API cannot turn off
 * `synchronous_commit` for its own write without a transaction of three more round trips.
 *
 * Only on a real server: the embedded database (PGlite) has no WAL writer, so a commit that does not
 * flush stays unflushed until something else flushes, and a crash loses it; there it is a plain upsert.
 */
export async function recordLatest(value: bigint): Promise<void> {
  const latest = value.toString();
  if (env().embeddedDatabase) {
    await db().simulatorState.upsert({
      where: { id: 1 },
      create: { id: 1, latest: value },
      update: { latest: value },
    });
    return;
  }
  await db().$executeRaw`
    WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
    INSERT INTO simulator_state (id, latest) SELECT 1, ${latest}::bigint FROM no_flush
    ON CONFLICT (id) DO UPDATE SET latest = EXCLUDED.latest`;
}

/** Null until the simulator has sent a `latest`; the protocol layer shows that as -1. */
export async function getLatest(): Promise<bigint | null> {
  const row = await db().simulatorState.findUnique({ where: { id: 1 }, select: { latest: true } });
  return row?.latest ?? null;
}
