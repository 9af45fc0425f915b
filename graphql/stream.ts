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
import { isDomainError } from "@/lib/errors";
import type { LiveEvent } from "@/lib/live/hub";
import { claimStreamSlot, type StreamSlot } from "@/lib/live/stream-slots";
import { liveMetrics } from "@/lib/live/metrics";
import { logger } from "@/lib/observability/logger";
import { phase } from "@/lib/server/lifecycle";
import { clientAddress } from "@/lib/server/client-address";
import { BODY_LIMITS, readBodyWithin } from "@/lib/security/body-limit";
import { checkRequest } from "@/lib/security/csrf";
import { createContext, type Viewer } from "./context";
import { withErrorCode } from "./errors";
import { formatError, LIMITS } from "./http";
import { schema } from "./schema";

/**
 * `/api/graphql/stream`: GraphQL subscriptions as server-sent events, in the graphql-sse protocol's
 * "distinct connections" mode (one operation per request: `event: next` with an execution result,
 * `event: complete` when the operation ends). Written out here rather than with the package's own
 * handler because a live stream needs what that handler has no room for: an SSE `id` per event
 * (resumption with `Last-Event-ID`), a `retry` hint, a bounded queue, an idle timeout, and closing
 * on shutdown without `complete` (which would tell the client not to come back).
 */

export type StreamHandlerOptions = {
  /** The web session's viewer (next-auth), for callers without an API token. */
  resolveSessionViewer(req: Request): Promise<Viewer | null>;
  streamsPerUser: number;
  streamsPerAddress: number;
  maskErrors: boolean;
  heartbeatMs?: number;
  /** A stream that delivered nothing for this long is closed (the client comes back if it is still there). */
  idleTimeoutMs?: number;
  /** What clients are told to wait before reconnecting after the server closed their stream. */
  retryMs?: number;
};

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

function errorResponse(status: number, errors: readonly unknown[], headers: Record<string, string> = {}) {
  return Response.json({ errors }, { status, headers: { "cache-control": "no-store", ...headers } });
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

async function readParams(req: Request): Promise<Params> {
  if (req.method === "GET") {
    const search = new URL(req.url).searchParams;
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
  // Read under the limit on the stream: a chunked body is cut off, not buffered whole.
  const read = await readBodyWithin(req, BODY_LIMITS.graphqlStream);
  if (!read.ok) throw new RequestError(413, "The request body is too large", "BAD_REQUEST");
  const text = Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).toString("utf8");
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

export function createStreamHandler(options: StreamHandlerOptions): (req: Request) => Promise<Response> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const retryMs = options.retryMs ?? 2_000;

  return async function handle(req: Request): Promise<Response> {
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
      if (!checkRequest(req).ok) throw new RequestError(403, "Cross-site request refused", "FORBIDDEN");
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
      const viewer = identity ? identity.user : await options.resolveSessionViewer(req);
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
        return errorResponse(
          failureStatus(errors),
          errors.map((error) => formatError(error.toJSON(), error, options.maskErrors)),
        );
      }
      // Streams that asked the same thing as the same viewer get the same text for a message.
      const shareKey = JSON.stringify([
        viewer?.id ?? null,
        params.query,
        params.operationName,
        params.variables,
      ]);
      const render = async (event: LiveEvent): Promise<string> => {
        const shared = event.kind === "POSTED" ? renderCache(event.message) : undefined;
        const key = `${event.cursor}|${shareKey}`;
        const hit = shared?.get(key);
        if (hit !== undefined) return hit;
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
        shared?.set(key, text);
        return text;
      };
      return eventStream(source as AsyncGenerator<LiveEvent, void, void>, render, slot, {
        heartbeatMs,
        idleTimeoutMs,
        retryMs,
        maskErrors: options.maskErrors,
      });
    } catch (error) {
      await slot?.release();
      if (error instanceof RequestError) {
        return errorResponse(
          error.status,
          [{ message: error.message, extensions: { code: error.code } }],
          error.headers,
        );
      }
      throw error;
    }
  };
}

/**
 * What one message renders to, per stream shape. graphql-js would execute the selection once per
 * stream and event; a thousand streams of the public timeline ask the same, so each message is
 * executed once per distinct (viewer, document, variables) and forgotten with the message.
 */
const renders = new WeakMap<object, Map<string, string>>();

function renderCache(message: object): Map<string, string> {
  let cache = renders.get(message);
  if (!cache) renders.set(message, (cache = new Map()));
  return cache;
}

/** The response body: one SSE event per execution result, written as the reader takes them. */
function eventStream(
  results: AsyncGenerator<LiveEvent, void, void>,
  render: (event: LiveEvent) => Promise<string>,
  slot: StreamSlot,
  options: { heartbeatMs: number; idleTimeoutMs: number; retryMs: number; maskErrors: boolean },
): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const write = (text: string) => {
    if (!closed) controllerRef?.enqueue(encoder.encode(text));
  };
  const finish = (ending: "complete" | "retry") => {
    if (closed) return;
    write(ending === "complete" ? "event: complete\ndata:\n\n" : `retry: ${options.retryMs}\n\n`);
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(idle);
    controllerRef?.close();
    void results.return();
    void slot.release();
  };
  const resetIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => finish("retry"), options.idleTimeoutMs);
    idle.unref();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      // A comment at once, so proxies and browsers see the stream open before the first event.
      write(`retry: ${options.retryMs}\n:\n\n`);
      heartbeat = setInterval(() => write(":\n\n"), options.heartbeatMs);
      heartbeat.unref();
      resetIdle();
    },
    // Pulled only as the socket takes data: a reader that stops reading leaves its events in the
    // hub's bounded queue, which cuts it off when full.
    async pull() {
      try {
        const next = await results.next();
        if (next.done) return finish("complete");
        const data = await render(next.value);
        write(`id: ${next.value.cursor}\nevent: next\ndata: ${data}\n\n`);
        resetIdle();
      } catch (error) {
        // Closed by the server (shutdown, a slow reader, a failure): no `complete`, so the client
        // reconnects with its cursor.
        if (!isStreamClosed(error)) logger().error({ err: error }, "live stream failed");
        finish("retry");
      }
    },
    cancel() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(idle);
      void results.return();
      void slot.release();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-store",
      // Not compressed (Next would buffer it) and not buffered by a proxy in front.
      "content-encoding": "none",
      "x-accel-buffering": "no",
    },
  });
}
