import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolClient } from "pg";
import { singleton } from "../runtime/singleton";

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
// node-postgres throws these as plain Errors, without a code; Prisma may pass one on inside its own
// message ("Invalid `prisma.user.findFirst()` invocation:\n\nConnection terminated unexpectedly"), so
// each is looked for at the start of any line. The server's own messages are there for a wrapper that
// kept the text and lost the SQLSTATE.
const DRIVER_MESSAGES = [
  /^Connection terminated/m,
  /^timeout exceeded when trying to connect/m,
  /^Client has encountered a connection error and is not queryable/m,
  /^sorry, too many clients already/m,
  /^remaining connection slots are reserved/m,
  /^terminating connection due to administrator command/m,
  /^the database system is (?:shutting down|starting up|in recovery mode)/m,
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

/**
 * One request's own record: whether a database call made on its behalf found the server away. The
 * process-wide state below can be cleared by another request's successful connection between this
 * request's failure and its answer (a server with a slot free now and then), so a page's status is
 * decided by what its own calls met. Kept on globalThis for the same reason as the state.
 */
export type OutageScope = { metOutage: boolean };
const scopes = singleton("dbOutageScopes", () => new AsyncLocalStorage<OutageScope>());

/** Runs `fn` (a request's handling) with `scope` as the record its database calls report to. */
export function runInOutageScope<T>(scope: OutageScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The record of the request being handled, if any (captured where a database call starts). */
export function currentOutageScope(): OutageScope | undefined {
  return scopes.getStore();
}

type State = { failedAt: number };
function state(): State {
  return singleton<State>("dbAvailability", () => ({ failedAt: 0 }));
}

/** Records that the database was found away just now, by the current request (or `scope`'s). */
export function noteDatabaseUnavailable(scope: OutageScope | undefined = currentOutageScope()): void {
  state().failedAt = Date.now();
  if (scope) scope.metOutage = true;
}

/** Records `error` when it says the database is away (for the current request, or `scope`'s). */
export function noteIfDatabaseUnavailable(
  error: unknown,
  scope: OutageScope | undefined = currentOutageScope(),
): void {
  if (isDatabaseUnavailable(error)) noteDatabaseUnavailable(scope);
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

type AnyQuery = (this: PoolClient, ...args: unknown[]) => unknown;

/**
 * Follows a connection's statements: one that fails because the server went away (the connection was
 * terminated by a shutdown, a crash or an operator) marks the database away for the request that sent
 * it, which may well answer before any new connection attempt is refused.
 */
function watchQueries(client: PoolClient): void {
  const marked = client as PoolClient & { [kWatched]?: true };
  if (marked[kWatched]) return;
  marked[kWatched] = true;
  const original = client.query as unknown as AnyQuery;
  const watched: AnyQuery = function (this: PoolClient, ...args: unknown[]) {
    const scope = currentOutageScope();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = function (this: unknown, error: unknown, ...results: unknown[]) {
        if (error) noteIfDatabaseUnavailable(error, scope);
        return (callback as (...a: unknown[]) => unknown).call(this, error, ...results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        noteIfDatabaseUnavailable(error, scope);
        throw error;
      });
    }
    return result;
  };
  client.query = watched as unknown as PoolClient["query"];
}

/**
 * Follows `pool`'s connection attempts (idempotent): a refused or failed one marks the database away,
 * a successful one marks it back. `pool.query` goes through `pool.connect`, so both paths are seen;
 * so are the statements of each connection the pool opens from now on (`watchQueries`).
 */
export function watchAvailability(pool: Pool): void {
  const marked = pool as Pool & { [kWatched]?: true };
  if (marked[kWatched]) return;
  marked[kWatched] = true;
  const record = (error: unknown, scope: OutageScope | undefined) => {
    if (error === undefined || error === null) noteDatabaseAvailable();
    else noteIfDatabaseUnavailable(error, scope);
  };
  const original = pool.connect.bind(pool) as Connect;
  const connect: Connect = (callback) => {
    // The pool answers from its own sockets' events: the request is the one that asked.
    const scope = currentOutageScope();
    if (typeof callback === "function") {
      return original((error, client, release) => {
        record(error, scope);
        // What the caller does next (pool.query's statement) runs as the request that asked, not as
        // whichever request's socket event this is.
        if (scope) runInOutageScope(scope, () => callback(error, client, release));
        else callback(error, client, release);
      });
    }
    return (original() as Promise<PoolClient>).then(
      (client) => {
        record(undefined, scope);
        return client;
      },
      (error: unknown) => {
        record(error, scope);
        throw error;
      },
    );
  };
  pool.connect = connect as Pool["connect"];
  // An idle connection that is dropped belongs to no request.
  pool.on("error", (error) => record(error, undefined));
  pool.on("connect", watchQueries);
}
