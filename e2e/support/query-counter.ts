import type { PoolClient } from "pg";
import { dbPool } from "../../lib/db/prisma";

type Query = (...args: unknown[]) => unknown;

/**
 * Counts the statements sent to the database while `fn` runs: every `query` on every connection the
 * pool hands out, which is where the Prisma client's driver adapter sends its statements
 * (transaction control included), so the count is the number of round trips.
 */
export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const pool = dbPool();
  const queries: string[] = [];
  const wrapped = new Map<PoolClient, Query>();
  const onAcquire = (client: PoolClient) => {
    if (wrapped.has(client)) return;
    const original = client.query as unknown as Query;
    wrapped.set(client, original);
    const counting = function (this: PoolClient, ...args: unknown[]) {
      const first = args[0];
      queries.push(typeof first === "string" ? first : String((first as { text?: unknown }).text));
      return original.apply(this, args);
    };
    client.query = counting as unknown as PoolClient["query"];
  };
  pool.on("acquire", onAcquire);
  try {
    return { result: await fn(), queries };
  } finally {
    pool.off("acquire", onAcquire);
    for (const [client, original] of wrapped) client.query = original as unknown as PoolClient["query"];
  }
}
