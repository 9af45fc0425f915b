import { randomUUID } from "node:crypto";
import { db } from "../db/prisma";
import { logger } from "../observability/logger";

/**
 * Open live streams per user and per client address, counted in PostgreSQL (`live_streams`) so the
 * limits hold across replicas. A row lives while its instance keeps refreshing it with the streams'
 * heartbeat; the row of an instance that died expires by itself.
 */

export const SLOT_TTL_MS = 45_000;
export const SLOT_REFRESH_MS = 15_000;

export type StreamSlot = { id: string; release(): Promise<void> };

type SlotState = { ids: Set<string>; timer?: NodeJS.Timeout };
const state = (globalThis as unknown as { minitwitLiveSlots?: SlotState }).minitwitLiveSlots ?? {
  ids: new Set(),
};
(globalThis as unknown as { minitwitLiveSlots?: SlotState }).minitwitLiveSlots = state;

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
 */
export async function claimStreamSlot(options: {
  userKey: string | null;
  address: string;
  perUser: number;
  perAddress: number;
}): Promise<StreamSlot | null> {
  const { userKey, address } = options;
  const id = randomUUID();
  const claimed = await db().$transaction(async (tx) => {
    // Advisory locks have no model API.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`live:address:${address}`}))`;
    if (userKey) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`live:${userKey}`}))`;
    const now = new Date();
    const open = { expiresAt: { gt: now } };
    if ((await tx.liveStream.count({ where: { address, ...open } })) >= options.perAddress) return false;
    if (userKey && (await tx.liveStream.count({ where: { userKey, ...open } })) >= options.perUser)
      return false;
    await tx.liveStream.create({
      data: { id, userKey, address, expiresAt: new Date(now.getTime() + SLOT_TTL_MS) },
    });
    return true;
  });
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
