import client from "prom-client";
import * as operations from "../../graphql/generated/operations";
import { singleton } from "../runtime/singleton";

/**
 * The one prom-client registry of this process. Kept on globalThis so that Next.js module reloads
 * (and the several bundles a production build has, plus the custom server outside them) share the
 * same series. Metric names are a contract with the dashboards and alerts under docker/.
 */
type Metrics = ReturnType<typeof createMetrics>;

/** Seconds. Dense around the simulator's 0.3 s budget so the SLO line falls on a bucket edge. */
export const HTTP_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5,
];
const DB_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The pool counts a scrape reports; structural so this module needs neither pg nor the client. */
export type PoolCounts = { totalCount: number; idleCount: number; waitingCount: number };

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const counter = (name: string, help: string) => new client.Counter({ name, help, registers: [registry] });
  const business = {
    registration: counter("minitwit_registrations_total", "Users registered (web, GraphQL or simulator)."),
    message: counter("minitwit_messages_total", "Messages posted (web, GraphQL or simulator)."),
    follow: counter("minitwit_follows_total", "Follow actions that succeeded."),
    unfollow: counter("minitwit_unfollows_total", "Unfollow actions that succeeded."),
  };

  const httpLabels = ["route", "method", "status"] as const;
  const http = {
    requests: new client.Counter({
      name: "minitwit_http_requests_total",
      help: "HTTP requests answered, by route template, method and status (499: client went away).",
      labelNames: httpLabels,
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: "minitwit_http_request_duration_seconds",
      help: "Time from receiving an HTTP request to the end of its response.",
      labelNames: httpLabels,
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    }),
  };

  const graphqlLabels = ["operation", "outcome"] as const;
  const graphql = {
    operations: new client.Counter({
      name: "minitwit_graphql_operations_total",
      help: "GraphQL operations executed (over HTTP or in process), by operation name and outcome.",
      labelNames: graphqlLabels,
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: "minitwit_graphql_operation_duration_seconds",
      help: "Time to execute a GraphQL operation.",
      labelNames: graphqlLabels,
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    }),
  };

  const pools = { current: undefined as PoolCounts | undefined };
  const database = {
    queryDuration: new client.Histogram({
      name: "minitwit_db_query_duration_seconds",
      help: "Time of one SQL statement on a pool connection, by statement verb.",
      labelNames: ["operation"] as const,
      buckets: DB_DURATION_BUCKETS,
      registers: [registry],
    }),
    poolConnections: new client.Gauge({
      name: "minitwit_db_pool_connections",
      help: "Connections of the database pool: total open, idle, and clients waiting for one.",
      labelNames: ["state"] as const,
      registers: [registry],
      // Reads only a pool that already exists: a scrape must never open a database connection.
      collect() {
        const pool = pools.current;
        this.set({ state: "total" }, pool?.totalCount ?? 0);
        this.set({ state: "idle" }, pool?.idleCount ?? 0);
        this.set({ state: "waiting" }, pool?.waitingCount ?? 0);
      },
    }),
  };

  return { registry, business, http, graphql, database, pools };
}

export function metrics(): Metrics {
  return singleton("metrics", createMetrics);
}

export type BusinessEvent = keyof Metrics["business"];

/** Counts one successful business action, whatever the entry point. */
export function countBusinessEvent(event: BusinessEvent): void {
  metrics().business[event].inc();
}

/** Makes the pool the one whose usage `minitwit_db_pool_connections` reports. */
export function reportPoolUsage(pool: PoolCounts): void {
  metrics().pools.current = pool;
}

export type GraphQLOutcome = "success" | "error";

/**
 * The operation names this repository knows: those of its documents (graphql/operations). Anyone
 * may name an operation anything, so only these get their own series; every other name is `other`,
 * however many clients invent, and whoever sends first cannot take the labels.
 */
export const KNOWN_GRAPHQL_OPERATIONS: ReadonlySet<string> = new Set(
  Object.values(operations).flatMap((document) =>
    document.definitions.flatMap((definition) =>
      definition.kind === "OperationDefinition" && definition.name ? [definition.name.value] : [],
    ),
  ),
);

/** The `operation` label for a name: one of the known operations, `anonymous` or `other`. */
export function graphqlOperationLabel(name: string | null | undefined): string {
  if (name === null || name === undefined || name === "") return "anonymous";
  return KNOWN_GRAPHQL_OPERATIONS.has(name) ? name : "other";
}

/** Records one GraphQL operation, whichever way it was executed. */
export function recordGraphQLOperation(
  name: string | null | undefined,
  outcome: GraphQLOutcome,
  seconds: number,
): void {
  const { graphql } = metrics();
  const operation = graphqlOperationLabel(name);
  graphql.operations.inc({ operation, outcome });
  graphql.duration.observe({ operation, outcome }, seconds);
}
