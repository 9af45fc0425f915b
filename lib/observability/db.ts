import type { Pool, PoolClient } from "pg";
import { watchAvailability } from "../db/availability";
import { metrics, reportPoolUsage } from "./metrics";
import { singleton } from "../runtime/singleton";

/**
 * Times every SQL statement run on a pg pool (`minitwit_db_query_duration_seconds{operation}`) and
 * makes the pool the one `minitwit_db_pool_connections` reports. Call it once, right where the
 * pool is created: connections opened before the call are not timed.
 *
 * The wrapper sits on each connection's `query`, which `pool.query` also goes through, so the time
 * measured is the statement's own (from sending it to its result), never the wait for a free
 * connection; that wait shows as `minitwit_db_pool_connections{state="waiting"}`.
 */

export type QueryOperation =
  "select" | "insert" | "update" | "delete" | "begin" | "commit" | "rollback" | "other";

const VERBS = new Map<string, QueryOperation>([
  ["select", "select"],
  ["insert", "insert"],
  ["update", "update"],
  ["delete", "delete"],
  ["begin", "begin"],
  ["start", "begin"],
  ["commit", "commit"],
  ["end", "commit"],
  ["rollback", "rollback"],
]);

// The first word after any leading whitespace and SQL comments.
const FIRST_WORD = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/;

/** The statement's verb as a bounded label value. */
export function queryOperation(sql: unknown): QueryOperation {
  if (typeof sql !== "string") return "other";
  const word = FIRST_WORD.exec(sql)?.[1];
  return (word !== undefined && VERBS.get(word.toLowerCase())) || "other";
}

type Observe = (seconds: number) => void;
type ObserverCache = { owner?: object; byOperation: Map<QueryOperation, Observe> };
const cache = singleton<ObserverCache>("dbObservers", () => ({ byOperation: new Map() }));

function observerFor(operation: QueryOperation): Observe {
  const { queryDuration } = metrics().database;
  if (cache.owner !== queryDuration) {
    cache.owner = queryDuration;
    cache.byOperation = new Map();
  }
  const { byOperation } = cache;
  let observe = byOperation.get(operation);
  if (observe === undefined) {
    observe = queryDuration.labels({ operation }).observe;
    byOperation.set(operation, observe);
  }
  return observe;
}

const kInstrumented = Symbol.for("minitwit.dbInstrumented");
type Marked = { [kInstrumented]?: true };

type AnyQuery = (this: PoolClient, ...args: unknown[]) => unknown;

function sqlOf(first: unknown): unknown {
  if (typeof first === "string") return first;
  if (typeof first === "object" && first !== null && "text" in first) return first.text;
  return undefined;
}

function isThenable(value: unknown): value is Promise<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

function isEmitter(value: unknown): value is NodeJS.EventEmitter {
  return (
    typeof value === "object" && value !== null && typeof (value as { once?: unknown }).once === "function"
  );
}

function instrumentClient(client: PoolClient): void {
  const marked = client as PoolClient & Marked;
  if (marked[kInstrumented]) return;
  marked[kInstrumented] = true;
  const original = client.query as unknown as AnyQuery;

  const timedQuery: AnyQuery = function (this: PoolClient, ...args: unknown[]) {
    const observe = observerFor(queryOperation(sqlOf(args[0])));
    const startedAt = performance.now();
    const done = () => observe((performance.now() - startedAt) / 1000);

    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = function (this: unknown, ...results: unknown[]) {
        done();
        return (callback as (...a: unknown[]) => unknown).apply(this, results);
      };
      return original.apply(this, args);
    }

    const result = original.apply(this, args);
    if (isThenable(result)) {
      return result.then(
        (value) => {
          done();
          return value;
        },
        (error: unknown) => {
          done();
          throw error;
        },
      );
    }
    // A Submittable (cursor, stream) reports its end through events.
    if (isEmitter(result)) {
      let finished = false;
      const once = () => {
        if (!finished) {
          finished = true;
          done();
        }
      };
      result.once("end", once);
      result.once("error", once);
    }
    return result;
  };
  client.query = timedQuery as unknown as PoolClient["query"];
}

/**
 * Instruments `pool` (idempotent) and returns it, so it can wrap the constructor call. It also follows
 * the pool's connection attempts, so the process knows when the database is away (lib/db/availability).
 */
export function instrumentPool<P extends Pool>(pool: P): P {
  reportPoolUsage(pool);
  watchAvailability(pool);
  const marked = pool as P & Marked;
  if (marked[kInstrumented]) return pool;
  marked[kInstrumented] = true;
  pool.on("connect", instrumentClient);
  return pool;
}
