import { randomUUID } from "node:crypto";
import { db, dbPool } from "../db/prisma";
import { logger } from "../observability/logger";
import { singleton } from "../runtime/singleton";

/**
 * Open live streams per user and per client address, counted in PostgreSQL (`live_streams`) so the
 * limits hold across replicas. A row lives while its instance keeps refreshing it with the streams'
 * heartbeat; the row of an instance that died expires by itself.
 */

export const SLOT_TTL_MS = 45_000;
export const SLOT_REFRESH_MS = 15_000;

export type StreamSlot = { id: string; release(): Promise<void> };

type SlotState = { ids: Set<string>; timer?: NodeJS.Timeout };
const state = singleton<SlotState>("liveSlots", () => ({ ids: new Set() }));

/** One statement per instance per refresh, however many streams it holds. */
function refreshAll(): void {
  const ids = [...state.ids];
  const now = Date.now();
  void (async () => {
    if (ids.length > 0) {
      await db().liveStream.updateMany({
        where: { id: { in: ids } },
        data: { expiresAt: new Date(now + SLOT_TTL_MS) },
      });
    }
    await db().liveStream.deleteMany({ where: { expiresAt: { lt: new Date(now - SLOT_TTL_MS) } } });
  })().catch((error: unknown) =>
    logger().warn({ err: error }, "live timelines: refreshing stream slots failed"),
  );
}

function keepRefreshing(): void {
  if (state.timer) return;
  state.timer = setInterval(refreshAll, SLOT_REFRESH_MS);
  state.timer.unref();
}

/**
 * A slot for one more stream, or null when the user (`user:<id>`, if signed in) or the address already
 * holds its limit. Advisory locks on both keys make the count and the insert one decision across
 * instances; the address is always locked first, so two claims never wait on each other in a cycle.
 * Throws when the database fails (the caller answers 503).
 */
export async function claimStreamSlot(options: {
  userKey: string | null;
  address: string;
  perUser: number;
  perAddress: number;
}): Promise<StreamSlot | null> {
  const { userKey, address } = options;
  const id = randomUUID();
  const now = Date.now();
  // A transaction of its own on the one pool (Prisma's interactive transactions cost twice the round
  // trips, and every stream of one address queues on the same lock): lock, then count and insert in
  // one statement, whose snapshot is taken after the lock, so it sees every claim committed before.
  const client = await dbPool().connect();
  let claimed = false;
  try {
    await client.query("BEGIN");
    await client.query(
      userKey
        ? "SELECT pg_advisory_xact_lock(hashtext($1)), pg_advisory_xact_lock(hashtext($2))"
        : "SELECT pg_advisory_xact_lock(hashtext($1))",
      userKey ? [`live:address:${address}`, `live:${userKey}`] : [`live:address:${address}`],
    );
    const inserted = await client.query(
      `INSERT INTO live_streams (id, user_key, address, expires_at)
       SELECT $1::uuid, $2::text, $3::text, $4::timestamptz
       WHERE (SELECT count(*) FROM live_streams WHERE address = $3::text AND expires_at > $5::timestamptz) < $6
         AND ($2::text IS NULL OR (SELECT count(*) FROM live_streams WHERE user_key = $2::text AND expires_at > $5::timestamptz) < $7)`,
      [id, userKey, address, new Date(now + SLOT_TTL_MS), new Date(now), options.perAddress, options.perUser],
    );
    await client.query("COMMIT");
    claimed = inserted.rowCount === 1;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (!claimed) return null;
  state.ids.add(id);
  keepRefreshing();
  let released: Promise<void> | undefined;
  return {
    id,
    release() {
      released ??= (async () => {
        state.ids.delete(id);
        await db()
          .liveStream.deleteMany({ where: { id } })
          .catch((error: unknown) =>
            logger().warn({ err: error }, "live timelines: releasing a slot failed"),
          );
      })();
      return released;
    },
  };
}
