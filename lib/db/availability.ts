import type { Pool, PoolClient } from "pg";

/**
 * Whether the database is reachable, as far as this process has seen. A failure that means "the server
 * is away" (refused or dropped connection, shutting down, starting up, out of connection slots) is told
 * apart from every other failure, so the transports answer it with a 503 the client may retry instead
 * of a 500 that says the app is broken. The state lives on globalThis: Next.js bundles each route with
 * its own copy of this module, and the custom server reads what the routes saw.
 */

// SQLSTATEs of a server that is away or full: admin_shutdown, crash_shutdown, cannot_connect_now
// (starting up, shutting down, in recovery), too_many_connections, and the connection_exception class.
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_SQLSTATE_CLASS = "08";
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);
// Prisma's codes: cannot reach the server, timed out reaching it, the server closed the connection,
// timed out waiting for a connection of the pool.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
// What @prisma/adapter-pg calls the same failures (`meta.driverAdapterError.cause.kind`).
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
// node-postgres throws these as plain Errors, without a code.
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Connection terminated due to connection timeout/,
];

type Inspectable = {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  originalCode?: unknown;
  meta?: { driverAdapterError?: unknown };
};

function isUnavailableCode(code: unknown): boolean {
  if (typeof code !== "string") return false;
  if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && code.startsWith(UNAVAILABLE_SQLSTATE_CLASS);
}

/** True when `error` (or what it wraps: Prisma's driver error, a GraphQL error's original) says the database is away. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const e = current as Inspectable;
    if (isUnavailableCode(e.code) || isUnavailableCode(e.originalCode)) return true;
    if (typeof e.kind === "string") {
      if (ADAPTER_KINDS.has(e.kind)) return true;
      if (e.kind === "postgres" && isUnavailableCode(e.code)) return true;
    }
    if (
      typeof e.message === "string" &&
      DRIVER_MESSAGES.some((pattern) => pattern.test(e.message as string))
    ) {
      return true;
    }
    pending.push(e.cause, e.originalError, e.meta?.driverAdapterError);
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}

type State = { failedAt: number };
const holder = globalThis as unknown as { minitwitDbAvailability?: State };

function state(): State {
  holder.minitwitDbAvailability ??= { failedAt: 0 };
  return holder.minitwitDbAvailability;
}

/** Records that the database was found away just now. */
export function noteDatabaseUnavailable(): void {
  state().failedAt = Date.now();
}

/** Records that a connection to the database was just made. */
export function noteDatabaseAvailable(): void {
  state().failedAt = 0;
}

/** Whether the database was found away within `withinMs` and no connection has been made since. */
export function databaseRecentlyUnavailable(withinMs = 5000, now = Date.now()): boolean {
  const { failedAt } = state();
  return failedAt > 0 && now - failedAt <= withinMs;
}

/** Seconds a client should wait before retrying while the database is away (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

type Connect = (
  callback?: (error: Error | undefined, client?: PoolClient, release?: () => void) => void,
) => unknown;

const kWatched = Symbol.for("minitwit.dbAvailabilityWatched");

/**
 * Follows `pool`'s connection attempts (idempotent): a refused or failed one marks the database away,
 * a successful one marks it back. `pool.query` goes through `pool.connect`, so both paths are seen.
 */
export function watchAvailability(pool: Pool): void {
  const marked = pool as Pool & { [kWatched]?: true };
  if (marked[kWatched]) return;
  marked[kWatched] = true;
  const record = (error: unknown) => {
    if (error === undefined || error === null) noteDatabaseAvailable();
    else if (isDatabaseUnavailable(error)) noteDatabaseUnavailable();
  };
  const original = pool.connect.bind(pool) as Connect;
  const connect: Connect = (callback) => {
    if (typeof callback === "function") {
      return original((error, client, release) => {
        record(error);
        callback(error, client, release);
      });
    }
    return (original() as Promise<PoolClient>).then(
      (client) => {
        record(undefined);
        return client;
      },
      (error: unknown) => {
        record(error);
        throw error;
      },
    );
  };
  pool.connect = connect as Pool["connect"];
  pool.on("error", (error) => record(error));
}
