import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import next from "next";
import type { NextConfig } from "next";
import {
  databaseRecentlyUnavailable,
  isDatabaseUnavailable,
  RETRY_AFTER_SECONDS,
  runInOutageScope,
  type OutageScope,
} from "../db/availability";
import { bodyLimitFor, declaresTooLargeBody, tooLargeMessage } from "../security/body-limit";

export type HttpServer = {
  address: AddressInfo;
  /**
   * This process's warm-up secret: a request carrying it in `x-minitwit-warm-up` is the process's own
   * warm-up (lib/server/warm-up.ts), not traffic, and is neither logged nor counted. Random per process,
   * so no client can hide its requests from logs and metrics.
   */
  warmUpSecret: string;
  /** Stops accepting, waits for in-flight requests (at most `timeoutMs`), then closes every socket. */
  close(timeoutMs: number): Promise<{ abandoned: number }>;
};

/**
 * A standalone build (the container image) ships no next.config.js: Next stores the resolved
 * configuration beside the build, and its own standalone server starts from that, as this one does.
 * The private variable stays because Next has no public way to say so: `next({ conf })` alone still
 * loads next.config's webpack hook (absent from a standalone build) and warns that `next start`
 * cannot serve one; Next's generated `server.js` sets this same variable. `standalone-config.test.ts`
 * fails when Next stops honouring it.
 */
function standaloneConfig(dir: string): NextConfig | undefined {
  if (existsSync(path.join(dir, "next.config.js"))) return undefined;
  const file = path.join(dir, ".next", "required-server-files.json");
  if (!existsSync(file)) return undefined;
  const { config } = JSON.parse(readFileSync(file, "utf8")) as { config: NextConfig };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return config;
}

function pathnameOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const end = url.indexOf("?");
  return end === -1 ? url : url.slice(0, end);
}

/**
 * Next.js means to answer an undecodable dynamic segment (`/sim/msgs/%FF`) with 400, but its check
 * misses the error class its route runtime throws and the request ends in a plain-text 500. A path
 * without `%` is always decodable, so the common case costs one `includes`.
 */
function hasDecodablePath(pathname: string): boolean {
  if (!pathname.includes("%")) return true;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * A page that fails while the database is away is a 503 with Retry-After (come back in a moment), not
 * a 500 (the app is broken): Next.js renders its error page with 500 and has no hook to choose the
 * status, so the status line is corrected as it is written. Away means: one of this request's own
 * database calls found the server away (refused, full, terminated: `scope`), or the process did so
 * recently and has not connected since.
 */
export function outagesAre503(res: http.ServerResponse, scope?: OutageScope): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (statusCode === 500 && (scope?.metOutage === true || databaseRecentlyUnavailable())) {
      statusCode = 503;
      if (typeof rest[0] === "string") rest[0] = "Service Unavailable";
      if (!this.headersSent) this.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    }
    return (writeHead as (...args: unknown[]) => http.ServerResponse).call(this, statusCode, ...rest);
  } as http.ServerResponse["writeHead"];
}

/**
 * The last resort, for a request whose handler threw past every layer that answers for itself: 503
 * with Retry-After when the database is away (by the error, or by what this request met), else 500;
 * a JSON body either way. A response already under way cannot change its status: its connection is
 * cut, so the client sees a failure rather than a truncated page that looks whole.
 */
export function answerFailure(res: http.ServerResponse, error: unknown, scope: OutageScope): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const outage = scope.metOutage || isDatabaseUnavailable(error);
  res.statusCode = outage ? 503 : 500;
  res.setHeader("content-type", "application/json");
  if (outage) res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
  res.end(
    outage
      ? JSON.stringify({ status: 503, error_msg: "The database is unavailable; try again in a moment" })
      : JSON.stringify({ status: 500, error_msg: "Internal server error" }),
  );
}

const HOP_HEADER = "x-minitwit-hop";
export const WARM_UP_HEADER = "x-minitwit-warm-up";

/**
 * Pages, forms and `/api/graphql` serve GET, HEAD and POST; anything else is answered here. Next.js
 * would render a page for PUT and fail with a 500 on TRACE. The simulator's routes answer every
 * method themselves, with each route's own `Allow` (rest-compat/methods.ts).
 */
const SERVED_METHODS = new Set(["GET", "HEAD", "POST"]);
const SIM_METHODS = new Set([...SERVED_METHODS, "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ALLOW = "GET, HEAD, POST";

function isSimPath(url: string | undefined): boolean {
  return url !== undefined && (url === "/sim" || /^\/sim[/?]/.test(url));
}

/** 405 with `Allow` (204 for OPTIONS, which asks just that), or false when the method is served. */
function refuseMethod(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const method = req.method ?? "";
  if (SERVED_METHODS.has(method) || (SIM_METHODS.has(method) && isSimPath(req.url))) return false;
  res.setHeader("allow", ALLOW);
  if (method === "OPTIONS") {
    res.statusCode = 204;
    res.end();
    return true;
  }
  res.statusCode = 405;
  res.setHeader("content-type", "application/json");
  res.end('{"status": 405, "error_msg": "Method not allowed"}');
  return true;
}

/**
 * 413 at once for a `Content-Length` over the path's limit (lib/security/body-limit.ts), before
 * Next.js reads the body: it buffers the body of every request its proxy runs for, so a client that
 * declares a huge body and sends none would otherwise hold the request until the server's time-outs.
 * The connection is closed after the answer: the rest of that body is not read.
 */
function refuseDeclaredBody(pathname: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!declaresTooLargeBody(pathname, req.headers["content-length"])) return false;
  const message = tooLargeMessage(bodyLimitFor(pathname));
  res.statusCode = 413;
  res.shouldKeepAlive = false;
  res.setHeader("connection", "close");
  res.setHeader("cache-control", "no-store");
  if (isSimPath(req.url)) {
    res.setHeader("content-type", "application/json");
    res.end(`{"status": 413, "error_msg": "${message}"}`);
  } else {
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end(`${message}.`);
  }
  return true;
}

export type RequestObserver = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A path this server answers itself, on node:http's request and response, instead of Next.js. */
export type OwnRoute = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/**
 * A plain node:http server around Next's request handler: it lets the process own its lifecycle
 * (drain on SIGTERM, close the database last) and see every request for logs and metrics.
 */
export async function startHttpServer(options: {
  dev: boolean;
  host: string;
  port: number;
  dir?: string;
  observe?: RequestObserver;
  onError?: (error: unknown, req: http.IncomingMessage) => void;
  /**
   * Paths served here rather than by Next.js, by exact pathname: the live stream
   * (`/api/graphql/stream`), whose events are written straight to the socket.
   */
  routes?: ReadonlyMap<string, OwnRoute>;
}): Promise<HttpServer> {
  const app = next({
    dev: options.dev,
    dir: options.dir,
    hostname: options.host,
    port: options.port,
    conf: options.dev ? undefined : standaloneConfig(options.dir ?? process.cwd()),
  });
  await app.prepare();
  const handle = app.getRequestHandler();

  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | undefined;
  const finished = () => {
    inFlight -= 1;
    if (inFlight === 0) idle?.();
  };

  // Next.js serves a proxy.ts rewrite by sending the request to this server again. That inner hop
  // carries the outer request's headers, so a per-process secret marks it: it keeps the outer
  // client's address (not loopback's) and is not logged or counted a second time.
  const hopSecret = randomBytes(16).toString("hex");
  const warmUpSecret = randomBytes(16).toString("hex");

  const server = http.createServer((req, res) => {
    inFlight += 1;
    res.once("close", finished);
    if (closing) res.setHeader("connection", "close");
    if (req.headers[HOP_HEADER] !== hopSecret) {
      req.headers[HOP_HEADER] = hopSecret;
      // The socket's address is the only client address this process can vouch for; a client-sent
      // header of the same name is overwritten.
      req.headers["x-minitwit-client-ip"] = req.socket.remoteAddress ?? "";
      // The instance's own warm-up calls (lib/server/warm-up.ts) are not traffic: not logged or counted.
      if (req.headers[WARM_UP_HEADER] !== warmUpSecret) options.observe?.(req, res);
    }
    delete req.headers[WARM_UP_HEADER];
    const scope: OutageScope = { metOutage: false };
    outagesAre503(res, scope);
    if (refuseMethod(req, res)) return;
    const pathname = pathnameOf(req.url);
    if (refuseDeclaredBody(pathname, req, res)) return;
    if (!hasDecodablePath(pathname)) {
      res.statusCode = 400;
      res.setHeader("content-type", "application/json");
      res.end('{"status": 400, "error_msg": "The URL path is not valid percent-encoded UTF-8"}');
      return;
    }
    const failed = (error: unknown) => {
      options.onError?.(error, req);
      answerFailure(res, error, scope);
    };
    const own = options.routes?.get(pathname);
    runInOutageScope(scope, () => (own ? own(req, res) : handle(req, res))).catch(failed);
  });
  // Longer than common load-balancer idle timeouts, so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    address: server.address() as AddressInfo,
    warmUpSecret,
    async close(timeoutMs) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Keep-alive sockets become idle as their last response ends; close them as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
      clearInterval(sweeper);
      const abandoned = inFlight;
      server.closeAllConnections();
      await stopped;
      return { abandoned };
    },
  };
}
