import { dbPool } from "../db/prisma";

/**
 * Counts the statements sent through the shared pool while `fn` runs (the domain's SQL and Prisma's
 * non-transactional queries both go through `pool.query`).
 */
export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const pool = dbPool();
  const original = pool.query;
  const queries: string[] = [];
  const counting = function (this: typeof pool, ...args: unknown[]) {
    const first = args[0];
    queries.push(typeof first === "string" ? first : String((first as { text?: unknown }).text));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pool.query = counting as typeof pool.query;
  try {
    return { result: await fn(), queries };
  } finally {
    pool.query = original;
  }
}
