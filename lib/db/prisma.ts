import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { env } from "../runtime/env";
import { instrumentPool } from "../observability/db";
import { logger } from "../observability/logger";
import { pgConfigFromUrl } from "./pg-config";
import { singleton } from "../runtime/singleton";

function createClient() {
  const { databaseUrl: url, embeddedDatabase, dbPoolSize } = env();
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  // The embedded database serves one connection; a pool of more would queue inside PGlite anyway.
  const max = embeddedDatabase ? 1 : dbPoolSize;
  const pool = instrumentPool(new pg.Pool({ ...pgConfigFromUrl(url), max, idleTimeoutMillis: 30_000 }));
  // An idle connection that the server drops (restart, failover) must not crash the process: the pool
  // replaces it on next use.
  pool.on("error", (error) => logger().warn({ err: error }, "idle database connection lost"));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const prisma = new PrismaClient({ adapter, omit: { user: { pwHash: true } } });
  return Object.assign(prisma, { pool });
}

export type Db = ReturnType<typeof createClient>;

/** Holds the client rather than being it: `disconnectDb` lets the next `db()` make a new one. */
const holder = singleton<{ client?: Db }>("prisma", () => ({}));

/** The one Prisma client of this process, kept on globalThis so dev reloads reuse it. */
export function db(): Db {
  return (holder.client ??= createClient());
}

/**
 * The pg pool behind the client. Infrastructure only: pool-usage metrics and rate-limiter-flexible's
 * store; every domain query goes through the client.
 */
export function dbPool(): pg.Pool {
  return db().pool;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.client;
  holder.client = undefined;
  await client?.$disconnect();
  // Prisma disposes the pool only if it ever ran a query itself; the rate limiter's do not count.
  if (client && !client.pool.ended) await client.pool.end();
}
