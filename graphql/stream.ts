import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  type DocumentNode,
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { authenticateApiToken } from "@/lib/domain/tokens";
import { decodeMessageCursor } from "@/lib/domain/pagination";
import { isDomainError } from "@/lib/domain/errors";
import type { LiveEvent } from "@/lib/live/hub";
import { claimStreamSlot, type StreamSlot } from "@/lib/live/stream-slots";
import { liveMetrics } from "@/lib/live/metrics";
import { logger } from "@/lib/observability/logger";
import { phase } from "@/lib/server/lifecycle";
import { clientAddress } from "@/lib/server/client-address";
import { BODY_LIMITS, tooLargeMessage } from "@/lib/security/body-limit";
import { checkRequestHeaders } from "@/lib/security/csrf";
import { createContext, type Viewer } from "./context";
import { formatError, withErrorCode } from "./errors";
import { LIMITS } from "./limits";
import { schema } from "./schema";

/**
 * `/api/graphql/stream`: GraphQL subscriptions as server-sent events, in the graphql-sse protocol's
 * "distinct connections" mode (one operation per request: `event: next` with an execution result,
 * `event: complete` when the operation ends). Written out here rather than with the package's own
 * handler because a live stream needs what that handler has no room for: an SSE `id` per event
 * (resumption with `Last-Event-ID`), a `retry` hint, a bounded queue, an idle timeout, and closing
 * on shutdown without `complete` (which would tell the client not to come back).
 *
 * Served by the custom server (lib/server/http-server.ts) on node:http's response, not by a Next.js
 * route handler: a message reaches a thousand streams as one encoded frame written to a thousand
 * sockets, where a route handler's web `ReadableStream` piped into the response cost about 0.17 ms
 * of CPU per stream and event.
 */

export const LIVE_STREAM_PATH = "/api/graphql/stream";

export type StreamHandlerOptions = {
  /** The web session's viewer, for callers without an API token. */
  resolveSessionViewer(headers: Headers): Promise<Viewer | null>;
  streamsPerUser: number;
  streamsPerAddress: number;
  maskErrors: boolean;
  heartbeatMs?: number;
  /** A stream that delivered nothing for this long is closed (the client comes back if it is still there). */
  idleTimeoutMs?: number;
  /** What clients are told to wait before reconnecting after the server closed their stream. */
  retryMs?: number;
};

/** node:http's request and response: the stream is written straight onto the socket. */
export type StreamHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const armor = new ApolloArmor({
  maxDepth: { n: LIMITS.maxDepth },
  costLimit: { maxCost: LIMITS.maxCost },
  maxAliases: { n: LIMITS.maxAliases },
  maxDirectives: { n: LIMITS.maxDirectives },
  maxTokens: { enabled: false },
}).protect();
const validationRules = [...specifiedRules, ...armor.validationRules];

type Params = { query: string; variables?: Record<string, unknown>; operationName?: string };

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What a request gets when no stream opens: a status and GraphQL errors as JSON. */
type Refusal = { status: number; errors: readonly unknown[]; headers?: Record<string, string> };

function writeRefusal(res: ServerResponse, refusal: Refusal): void {
  const body = JSON.stringify({ errors: refusal.errors });
  res.writeHead(refusal.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...refusal.headers,
  });
  res.end(body);
}

/** The request as the handler reads it; the body only on demand, and never more than the limit. */
type StreamRequest = { method: string; url: URL; headers: Headers; body(): Promise<string | null> };

function toStreamRequest(req: IncomingMessage): StreamRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return {
    method: req.method ?? "GET",
    // Only the path and query are read from it; the host is not this URL's business.
    url: new URL(req.url ?? "/", "http://localhost"),
    headers,
    body: () => readBounded(req, BODY_LIMITS.graphqlStream),
  };
}

/** The body as text, or null once it passes `limit` bytes (the rest is left unread). */
function readBounded(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toParams(raw: Record<string, unknown>): Params {
  const { query, variables, operationName } = raw;
  if (typeof query !== "string" || query === "") {
    throw new RequestError(400, "`query` must be a GraphQL document", "BAD_REQUEST");
  }
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    throw new RequestError(400, "`variables` must be an object", "BAD_REQUEST");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw new RequestError(400, "`operationName` must be a string", "BAD_REQUEST");
  }
  return {
    query,
    variables: (variables as Record<string, unknown> | null) ?? undefined,
    operationName: (operationName as string | null) ?? undefined,
  };
}

async function readParams(req: StreamRequest): Promise<Params> {
  if (req.method === "GET") {
    const search = req.url.searchParams;
    let variables: unknown;
    const rawVariables = search.get("variables");
    if (rawVariables) {
      try {
        variables = JSON.parse(rawVariables);
      } catch {
        throw new RequestError(400, "`variables` is not valid JSON", "BAD_REQUEST");
      }
    }
    return toParams({
      query: search.get("query") ?? undefined,
      variables,
      operationName: search.get("operationName") ?? undefined,
    });
  }
  if (Number(req.headers.get("content-length") ?? 0) > BODY_LIMITS.graphqlStream) {
    throw new RequestError(413, tooLargeMessage(BODY_LIMITS.graphqlStream), "BAD_REQUEST");
  }
  const text = await req.body();
  if (text === null) throw new RequestError(413, tooLargeMessage(BODY_LIMITS.graphqlStream), "BAD_REQUEST");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, "The body is not valid JSON", "BAD_REQUEST");
  }
  if (!isRecord(body)) throw new RequestError(400, "The body must be a JSON object", "BAD_REQUEST");
  return toParams(body);
}

function parseSubscription(params: Params): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: LIMITS.maxTokens });
  } catch (error) {
    throw new RequestError(400, (error as Error).message, "GRAPHQL_PARSE_FAILED");
  }
  const errors = validate(schema(), document, validationRules);
  if (errors.length > 0) throw new RequestError(400, errors[0]!.message, "GRAPHQL_VALIDATION_FAILED");
  const operation = getOperationAST(document, params.operationName);
  if (!operation) throw new RequestError(400, "Name the operation to run (operationName)", "BAD_REQUEST");
  if (operation.operation !== "subscription") {
    throw new RequestError(
      400,
      "Only subscriptions are served here; send queries and mutations to /api/graphql",
      "BAD_REQUEST",
    );
  }
  return document;
}

/** The HTTP status of a subscription that could not start, by its (first) error's code. */
function failureStatus(errors: readonly GraphQLError[]): number {
  const code = errors[0]?.extensions.code;
  switch (code) {
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "USER_NOT_FOUND":
      return 404;
    case "BAD_USER_INPUT":
    case "GRAPHQL_VALIDATION_FAILED":
      return 400;
    default:
      return errors.some((error) => isDomainError(error.originalError) || !error.originalError) ? 400 : 500;
  }
}

function isStreamClosed(error: unknown): error is Error & { reason: string } {
  // By name: the hub may come from another bundle's copy of its module (lib/live/live.ts).
  return error instanceof Error && error.name === "StreamClosed";
}

/** A stream that opened: its events, how each one is written, and the slot it holds. */
type OpenStream = {
  results: AsyncGenerator<LiveEvent, void, void>;
  frame(event: LiveEvent): Buffer | Promise<Buffer>;
  slot: StreamSlot;
};

type StreamTiming = { heartbeatMs: number; idleTimeoutMs: number; retryMs: number };

export function createStreamHandler(options: StreamHandlerOptions): StreamHandler {
  const timing: StreamTiming = {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
    retryMs: options.retryMs ?? 2_000,
  };

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const opened = await open(toStreamRequest(req));
    if ("status" in opened) writeRefusal(res, opened);
    else serveEvents(res, opened, timing);
  };

  async function open(req: StreamRequest): Promise<Refusal | OpenStream> {
    let slot: StreamSlot | null = null;
    try {
      if (phase() === "draining" || phase() === "stopped") {
        throw new RequestError(503, "This instance is shutting down: reconnect", "UNAVAILABLE", {
          "retry-after": "1",
        });
      }
      if (req.method !== "GET" && req.method !== "POST") {
        throw new RequestError(405, "Use GET or POST", "BAD_REQUEST", { allow: "GET, POST" });
      }
      if (!checkRequestHeaders(req.headers).ok) {
        throw new RequestError(403, "Cross-site request refused", "FORBIDDEN");
      }
      if (!(req.headers.get("accept") ?? "").includes("text/event-stream")) {
        throw new RequestError(406, "This endpoint answers with text/event-stream only", "BAD_REQUEST");
      }
      const lastEventId = req.headers.get("last-event-id")?.trim() || undefined;
      if (lastEventId !== undefined) {
        try {
          decodeMessageCursor(lastEventId);
        } catch {
          throw new RequestError(400, "Last-Event-ID is not a cursor of this stream", "BAD_USER_INPUT");
        }
      }

      const authorization = req.headers.get("authorization");
      const bearer = authorization?.startsWith("Bearer ")
        ? authorization.slice("Bearer ".length).trim()
        : null;
      const identity = bearer ? await authenticateApiToken(bearer) : null;
      if (bearer !== null && !identity) {
        throw new RequestError(401, "The API token is invalid or revoked", "UNAUTHENTICATED", {
          "www-authenticate": 'Bearer error="invalid_token"',
        });
      }
      const viewer = identity ? identity.user : await options.resolveSessionViewer(req.headers);
      const params = await readParams(req);
      const document = parseSubscription(params);

      slot = await claimStreamSlot({
        userKey: viewer ? `user:${viewer.id}` : null,
        address: clientAddress(req.headers),
        perUser: options.streamsPerUser,
        perAddress: options.streamsPerAddress,
      }).catch((error: unknown) => {
        logger().warn({ err: error }, "live stream slot could not be claimed");
        throw new RequestError(503, "Live streams are unavailable: retry shortly", "UNAVAILABLE", {
          "retry-after": "5",
        });
      });
      if (!slot) {
        liveMetrics().refused.inc();
        throw new RequestError(429, "Too many live streams open: close one first", "RATE_LIMITED", {
          "retry-after": "30",
        });
      }
      const args = {
        schema: schema(),
        document,
        variableValues: params.variables,
        operationName: params.operationName,
        contextValue: createContext({
          viewer,
          viewerSource: identity ? "token" : "session",
          requestId: req.headers.get("x-request-id") ?? undefined,
          lastEventId,
        }),
      };
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) {
        const errors = (source.errors ?? []).map(withErrorCode);
        await slot.release();
        return {
          status: failureStatus(errors),
          errors: errors.map((error) => formatError(error.toJSON(), error, options.maskErrors)),
        };
      }
      // Streams that asked the same thing as the same viewer get the same frame for a message.
      const shareKey = JSON.stringify([
        viewer?.id ?? null,
        params.query,
        params.operationName,
        params.variables,
      ]);
      const render = async (event: LiveEvent): Promise<Buffer> => {
        const result = await execute({ ...args, rootValue: event });
        const text = JSON.stringify(
          result.errors
            ? {
                ...result,
                errors: result.errors
                  .map(withErrorCode)
                  .map((error) => formatError(error.toJSON(), error, options.maskErrors)),
              }
            : result,
        );
        return Buffer.from(`id: ${event.cursor}\nevent: next\ndata: ${text}\n\n`);
      };
      const frame = (event: LiveEvent): Buffer | Promise<Buffer> => {
        if (event.kind !== "POSTED") return render(event);
        // The promise is shared at once: a message reaches every stream in the same tick, before
        // the first execution has finished.
        const shared = framesOf(event.message, shareKey);
        const known = shared.get(event.cursor);
        if (known !== undefined) return known;
        const rendering = render(event);
        shared.set(event.cursor, rendering);
        void rendering.then(
          (buffer) => shared.set(event.cursor, buffer),
          () => shared.delete(event.cursor),
        );
        return rendering;
      };
      return { results: source as AsyncGenerator<LiveEvent, void, void>, frame, slot };
    } catch (error) {
      await slot?.release();
      if (error instanceof RequestError) {
        return {
          status: error.status,
          errors: [{ message: error.message, extensions: { code: error.code } }],
          headers: error.headers,
        };
      }
      throw error;
    }
  }
}

/**
 * What one message's event is written as, per stream shape. graphql-js would execute the selection
 * once per stream and event; a thousand streams of the public timeline ask the same, so each message
 * is executed and encoded once per distinct (viewer, document, variables, cursor) and forgotten with
 * the message.
 */
const frames = new WeakMap<object, Map<string, Map<string, Buffer | Promise<Buffer>>>>();

/** The message's frames for one stream shape, by cursor (both keys are strings shared by the streams). */
function framesOf(message: object, shareKey: string): Map<string, Buffer | Promise<Buffer>> {
  let shapes = frames.get(message);
  if (!shapes) frames.set(message, (shapes = new Map()));
  let cache = shapes.get(shareKey);
  if (!cache) shapes.set(shareKey, (cache = new Map()));
  return cache;
}

const HEARTBEAT = Buffer.from(":\n\n");
const COMPLETE = Buffer.from("event: complete\ndata:\n\n");

/** The hub's end of a stream (lib/live/hub.ts `Subscription.whenEnded`); never settles for other sources. */
function endedWhileBlocked(results: object): Promise<unknown> {
  const source = results as { whenEnded?: () => Promise<unknown> };
  return typeof source.whenEnded === "function" ? source.whenEnded() : new Promise(() => {});
}

/** Resolves when the socket has taken what was written, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

/**
 * The response: one SSE event per execution result, written to the socket as the socket takes them.
 * A reader that stops reading stops this loop at `drained`, so its events wait in the hub's bounded
 * queue, which cuts it off when full (`dropped{reason="slow"}`); the socket holds at most its
 * high-water mark and one frame.
 */
function serveEvents(res: ServerResponse, stream: OpenStream, timing: StreamTiming): void {
  const { results, frame, slot } = stream;
  // The client left while the stream was being set up.
  if (res.destroyed || !res.socket || res.socket.destroyed) {
    void results.return();
    void slot.release();
    return;
  }
  // The body ends with the connection rather than in chunked framing: one socket write per event
  // instead of four, and a stream's connection would not be reused anyway.
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-store",
    // Neither compressed nor buffered by a proxy in front.
    "content-encoding": "none",
    "x-accel-buffering": "no",
  });
  // A comment at once, so proxies and browsers see the stream open before the first event.
  res.write(`retry: ${timing.retryMs}\n:\n\n`);
  const heartbeat = setInterval(() => {
    if (!res.writableNeedDrain) res.write(HEARTBEAT);
  }, timing.heartbeatMs);
  heartbeat.unref();
  // Refreshed by every event: one timer per stream, never re-created.
  const idle = setTimeout(() => finish("retry"), timing.idleTimeoutMs);
  idle.unref();
  let cutOff: NodeJS.Timeout | undefined;
  let closed = false;

  const stop = (): boolean => {
    if (closed) return false;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(idle);
    void results.return();
    void slot.release();
    return true;
  };
  // Closed by the server (shutdown, a slow reader, the idle timeout, a failure): `retry` and no
  // `complete`, so the client reconnects with its cursor.
  const finish = (ending: "complete" | "retry") => {
    if (!stop()) return;
    res.end(ending === "complete" ? COMPLETE : Buffer.from(`retry: ${timing.retryMs}\n\n`));
    // A reader that takes nothing more does not keep its socket for long.
    cutOff = setTimeout(() => res.destroy(), timing.retryMs + 10_000);
    cutOff.unref();
  };
  res.once("close", () => {
    clearTimeout(cutOff);
    stop();
  });
  const uncork = () => res.uncork();

  void (async () => {
    try {
      for (;;) {
        const next = await results.next();
        if (closed) return;
        if (next.done) return finish("complete");
        const framed = frame(next.value);
        // Usually already encoded (by the first stream given the message): no await, no tick.
        const data = framed instanceof Buffer ? framed : await framed;
        if (closed) return;
        idle.refresh();
        // The events of one batch (lib/live/hub.ts) leave in one write: corked until the ticks
        // that hand them to this stream are done.
        if (res.writableCorked === 0) {
          res.cork();
          process.nextTick(uncork);
        }
        if (!res.write(data)) {
          // The socket takes nothing more for now: wait for it, unless the hub cuts the stream off
          // meanwhile (its queue filled): then the reader, which is not reading, is disconnected now
          // rather than holding its socket and its stream slot until the idle timeout.
          const cut = await Promise.race([drained(res).then(() => undefined), endedWhileBlocked(results)]);
          if (cut !== undefined && cut !== "done") {
            stop();
            res.destroy();
            return;
          }
        }
      }
    } catch (error) {
      if (!isStreamClosed(error)) logger().error({ err: error }, "live stream failed");
      finish("retry");
    }
  })();
}
