import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Counter, Histogram } from "prom-client";
import { env } from "../runtime/env";
import { CLIENT_IP_HEADER, clientAddressFrom } from "../server/client-address";
import { logger } from "./logger";
import { metrics } from "./metrics";
import { routeTemplate } from "./route-template";
import { singleton } from "../runtime/singleton";

/**
 * Per-request instrumentation for the custom HTTP server: one call at the start of every request
 * gives it a request id, and when the response ends (or the client goes away) records the HTTP
 * metrics and writes one log line.
 *
 * Handlers report facts only they know (the signed-in user) through an AsyncLocalStorage store
 * entered here, not through a response header: Next.js flushes headers itself, so a marker header
 * could not be removed reliably before it reached the client.
 */

export const REQUEST_ID_HEADER = "x-request-id";
/** Set from the socket, never from the client; `/metrics` access control trusts only this. */
export { CLIENT_IP_HEADER };

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_LOGGED_PATH = 256;

export type RequestContext = {
  readonly reqId: string;
  readonly method: string;
  readonly url: string;
  readonly startedAt: number;
  /** The client's address as TRUST_PROXY lets us read it (lib/server/client-address.ts). */
  readonly client: string;
  userId: string | number | undefined;
};

const kContext = Symbol.for("minitwit.requestContext");
type ObservedResponse = ServerResponse & { [kContext]?: RequestContext };

// One per process: the custom server enters the store, route handlers in Next.js bundles read it.
const requestStore = singleton("requestStore", () => new AsyncLocalStorage<RequestContext>());

/** Call first thing for every request the server receives. */
export function observeRequest(req: IncomingMessage, res: ServerResponse): void {
  const startedAt = performance.now();
  const offered = req.headers[REQUEST_ID_HEADER];
  const reqId = typeof offered === "string" && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
  req.headers[REQUEST_ID_HEADER] = reqId;
  res.setHeader("X-Request-Id", reqId);

  const remote = req.socket.remoteAddress;
  if (remote === undefined) delete req.headers[CLIENT_IP_HEADER];
  else req.headers[CLIENT_IP_HEADER] = remote;

  // The URL is read now: routing inside Next.js may rewrite req.url before the response ends.
  const context: RequestContext = {
    reqId,
    method: req.method ?? "GET",
    url: req.url ?? "/",
    startedAt,
    client: clientAddressFrom(nodeHeaders(req), env().trustProxy),
    userId: undefined,
  };
  (res as ObservedResponse)[kContext] = context;
  requestStore.enterWith(context);
  // One shared listener, no closure per request: the context travels on the response.
  res.once("close", onResponseClose);
}

/** node:http's header object seen through the one method the address rule needs. */
function nodeHeaders(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name) {
      const value = req.headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** The request being handled, inside the async flow of a request (route handlers, components). */
export function currentRequest(): RequestContext | undefined {
  return requestStore.getStore();
}

/** Records who made the current request, for its log line. Outside a request it does nothing. */
export function setRequestUser(userId: string | number): void {
  const context = requestStore.getStore();
  if (context) context.userId = userId;
}

/** The logger for code handling a request: its lines carry the request id. */
export function requestLogger() {
  const context = requestStore.getStore();
  return context ? logger().child({ reqId: context.reqId }) : logger();
}

/** Status used when the client closed the connection before the response was complete (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

function onResponseClose(this: ObservedResponse): void {
  const context = this[kContext];
  if (context === undefined) return;
  this[kContext] = undefined;
  const seconds = (performance.now() - context.startedAt) / 1000;
  const status = this.writableFinished ? this.statusCode : CLIENT_CLOSED_REQUEST;
  const path = pathOf(context.url);
  const route = routeTemplate(context.method, path);

  const series = seriesFor(route, context.method, status);
  series.requests.inc();
  series.duration.observe(seconds);

  const line = {
    reqId: context.reqId,
    method: context.method,
    route,
    path: path.length > MAX_LOGGED_PATH ? path.slice(0, MAX_LOGGED_PATH) : path,
    status,
    client: context.client,
    durationMs: Math.round(seconds * 100_000) / 100,
    userId: context.userId,
  };
  if (status >= 500 && status !== CLIENT_CLOSED_REQUEST) logger().warn(line, "request");
  else logger().info(line, "request");
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

type Series = {
  requests: ReturnType<Counter<"route" | "method" | "status">["labels"]>;
  duration: ReturnType<Histogram<"route" | "method" | "status">["labels"]>;
};

// route → method → status → bound children. Nested maps avoid building a key string per request;
// all three levels are bounded (templates, HTTP methods Node accepts, status codes).
type SeriesCache = Map<string, Map<string, Map<number, Series>>>;
const cache = singleton<{ owner?: object; series: SeriesCache }>("httpSeries", () => ({ series: new Map() }));

function seriesFor(route: string, method: string, status: number): Series {
  const { http } = metrics();
  // Children belong to the metric objects they came from; a new registry means a new cache.
  if (cache.owner !== http) {
    cache.owner = http;
    cache.series = new Map();
  }
  const byRoute = cache.series;

  let byMethod = byRoute.get(route);
  if (byMethod === undefined) byRoute.set(route, (byMethod = new Map()));
  let byStatus = byMethod.get(method);
  if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
  let series = byStatus.get(status);
  if (series === undefined) {
    const labels = { route, method, status: String(status) };
    series = { requests: http.requests.labels(labels), duration: http.duration.labels(labels) };
    byStatus.set(status, series);
  }
  return series;
}
