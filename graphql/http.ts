import { clientAddress } from "../lib/server/client-address";
import { graphqlObservabilityPlugin } from "../lib/observability/graphql-plugin";
import { setRequestUser } from "../lib/observability/http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { startServerAndCreateNextHandler } from "@as-integrations/next";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { RETRY_AFTER_SECONDS } from "@/lib/db/availability";
import { authenticateApiToken } from "@/lib/domain/tokens";
import { env } from "@/lib/runtime/env";
import { singleton } from "@/lib/runtime/singleton";
import { isDomainError } from "@/lib/domain/errors";
import { createContext, type GraphQLContext, type Viewer } from "./context";
import {
  formatError,
  metDatabaseOutage,
  thrownError,
  UNAVAILABLE_EXTENSIONS,
  UNAVAILABLE_MESSAGE,
} from "./errors";
import { BODY_LIMITS, tooLargeMessage, withBodyWithin } from "@/lib/security/body-limit";
import { sharedLimiter } from "@/lib/security/rate-limiters";
import { costLimitRejection, LIMITS, pageSizeRule } from "./limits";
import { schema } from "./schema";

/**
 * `/api/graphql`: Apollo Server over the one schema, for third parties (API tokens) and browsers
 * (the session). The wrapper in front of Apollo does what must happen before GraphQL runs: who is
 * calling, and whether they are over their rate.
 */

/**
 * The web session, as a viewer: given by the route (`app/api/graphql/route.ts` passes next-auth's),
 * so graphql/ stays free of next-auth.
 */
export type SessionViewerLookup = (req: Request) => Promise<Viewer | null>;

function graphqlErrorResponse(
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
): Response {
  return Response.json(
    { errors: [{ message, extensions: { code, ...extensions } }] },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

/** HTTP 503 with Retry-After for an operation that met a database outage (Apollo would say 200). */
const outagesAre503: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, response }) {
        const outage = errors.some((error) => !isDomainError(thrownError(error)) && metDatabaseOutage(error));
        if (!outage) return;
        response.http.status = 503;
        response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      },
    };
  },
};

export type GraphQLHandlerOptions = {
  /** Per API token, signed-in user or (anonymous) client address; shared by every instance. */
  rateLimitPerMinute: number;
  /** Names the rate limit's counters in the database (tests give each handler its own). */
  rateLimitKeyPrefix?: string;
  maskErrors: boolean;
  /** Who a request without an API token is; anonymous when not given. */
  sessionViewer?: SessionViewerLookup;
  /** More Apollo plugins (metrics and logging), after the protective ones. */
  plugins?: ApolloServerPlugin<GraphQLContext>[];
};

export function createGraphQLHandler(options: GraphQLHandlerOptions): (req: Request) => Promise<Response> {
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    costLimit: {
      maxCost: LIMITS.maxCost,
      propagateOnRejection: false,
      onReject: [costLimitRejection(LIMITS.maxCost)],
    },
    maxAliases: { n: LIMITS.maxAliases },
    maxDirectives: { n: LIMITS.maxDirectives },
    // Armor's token limit fails with a 500 through Apollo; graphql-js enforces it while parsing instead.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.maskErrors },
  }).protect();
  const server = new ApolloServer<GraphQLContext>({
    schema: schema(),
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
      outagesAre503,
      ...(options.plugins ?? []),
    ],
    // The page-size rule first: its error must come before the cost limit's.
    validationRules: [pageSizeRule, ...armor.validationRules],
    includeStacktraceInErrorResponses: !options.maskErrors,
    formatError: (formatted, error) => formatError(formatted, error, options.maskErrors),
  });
  const contexts = new WeakMap<Request, GraphQLContext>();
  const apollo = startServerAndCreateNextHandler<Request, GraphQLContext>(server, {
    context: async (req) => contexts.get(req) ?? createContext({ viewer: null }),
  });
  // Keys of clients over their budget are refused from memory until their window ends (they are
  // never reset early), so a flood costs the database one statement per window, not per request.
  const limiter = sharedLimiter({
    keyPrefix: options.rateLimitKeyPrefix ?? "graphql",
    points: options.rateLimitPerMinute,
    durationSeconds: 60,
    blockInMemory: true,
  });

  async function handle(incoming: Request): Promise<Response> {
    const authorization = incoming.headers.get("authorization");
    const bearer = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length).trim() : null;
    const identity = bearer ? await authenticateApiToken(bearer) : null;
    // A browser's session is read from the database on each request (its role may have changed).
    const sessionViewer =
      bearer === null && options.sessionViewer ? await options.sessionViewer(incoming) : null;

    // A wrong token counts against the address it came from, so tokens cannot be guessed faster.
    const verdict = await limiter.consume(
      identity
        ? `token:${identity.tokenId}`
        : sessionViewer
          ? `user:${sessionViewer.id}`
          : `ip:${clientAddress(incoming.headers)}`,
    );
    if (!verdict.allowed) {
      const seconds = verdict.retryAfterSeconds;
      return graphqlErrorResponse(
        429,
        `Too many requests: retry in ${seconds} seconds`,
        "RATE_LIMITED",
        { "retry-after": String(seconds) },
        { retryAfterSeconds: seconds },
      );
    }
    if (bearer !== null && !identity) {
      return graphqlErrorResponse(401, "The API token is invalid or revoked", "UNAUTHENTICATED", {
        "www-authenticate": 'Bearer error="invalid_token"',
      });
    }
    // Read here under the limit (chunked bodies too): the integration would buffer any size.
    const bounded = await withBodyWithin(incoming, BODY_LIMITS.graphql);
    if (bounded === null) {
      return graphqlErrorResponse(413, tooLargeMessage(BODY_LIMITS.graphql), "BAD_REQUEST");
    }

    const req = normaliseJsonContentType(bounded);
    const viewer = identity ? identity.user : sessionViewer;
    if (viewer) setRequestUser(viewer.id);
    contexts.set(
      req,
      createContext({
        viewer,
        viewerSource: identity ? "token" : "session",
        requestId: incoming.headers.get("x-request-id") ?? undefined,
      }),
    );
    try {
      return await apollo(req);
    } catch (error) {
      // The integration parses JSON bodies itself and throws on malformed ones.
      if (error instanceof SyntaxError)
        return graphqlErrorResponse(400, "The body is not valid JSON", "BAD_REQUEST");
      throw error;
    }
  }

  // Who is calling (API token, session) is read from the database before GraphQL runs.
  return async function handleOrUnavailable(incoming: Request): Promise<Response> {
    try {
      return await handle(incoming);
    } catch (error) {
      if (!metDatabaseOutage(error)) throw error;
      return graphqlErrorResponse(
        503,
        UNAVAILABLE_MESSAGE,
        UNAVAILABLE_EXTENSIONS.code,
        { "retry-after": String(RETRY_AFTER_SECONDS) },
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
  };
}

/**
 * The Next integration only parses a body whose Content-Type is exactly `application/json`; clients
 * that add `; charset=utf-8` would otherwise get a confusing 400.
 */
function normaliseJsonContentType(req: Request): Request {
  const type = req.headers.get("content-type");
  if (type === null || type === "application/json" || !/^application\/json\s*;/i.test(type)) return req;
  const headers = new Headers(req.headers);
  headers.set("content-type", "application/json");
  return new Request(req, { headers });
}

/**
 * The route's `GET` and `POST`: one handler per process (see `singleton`), whose session lookup the
 * route passes in.
 */
export function graphqlRoute(sessionViewer: SessionViewerLookup): {
  GET: (req: Request) => Promise<Response>;
  POST: (req: Request) => Promise<Response>;
} {
  const handler = () =>
    singleton("graphqlHandler", () =>
      createGraphQLHandler({
        rateLimitPerMinute: env().graphqlRateLimitPerMinute,
        maskErrors: env().nodeEnv === "production",
        plugins: [graphqlObservabilityPlugin<GraphQLContext>()],
        sessionViewer,
      }),
    );
  return { GET: (req) => handler()(req), POST: (req) => handler()(req) };
}
