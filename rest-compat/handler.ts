import { createContext, type GraphQLContext } from "@/graphql/context";
import { runOperationOrThrow } from "@/graphql/execute";
import { SimRecordLatestDocument } from "@/graphql/generated/operations";
import { env } from "@/lib/runtime/env";
import { currentOutageScope, isDatabaseUnavailable, noteDatabaseUnavailable } from "@/lib/db/availability";
import { isDomainError } from "@/lib/domain/errors";
import { logger } from "@/lib/observability/logger";
import { parseNetworkList, type NetworkList } from "@/lib/observability/networks";
import { clientAddress } from "@/lib/server/client-address";

import { isSimulator } from "./auth";
import { databaseUnavailableResponse, domainErrorResponse } from "./errors";
import type { RouteHandler } from "./methods";
import { parseLatest } from "./params";
import { errorResponse, forbidden } from "./responses";

function clientWentAway(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ECONNRESET";
}

/** This host itself (the instance's own warm-up, an operator's curl) is always let through. */
function isSimulatorNetwork(allowed: NetworkList, address: string): boolean {
  return allowed.matches(address) || LOOPBACK.matches(address);
}
const LOOPBACK = parseNetworkList("127.0.0.0/8,::1/128");

export interface SimRequest {
  request: Request;
  query: URLSearchParams;
  /** The simulator's identity in the schema: may act as any user and page beyond the public cap. */
  context: GraphQLContext;
  /**
   * The variable that makes an action record the request's `latest` in its own write statement
   * (`latest` of the action's input; null when there is none). Hands the recording over: asked for,
   * it is the action's job, unless the action fails (its statement, if it ran, rolled the recording
   * back); a route that never asks, or whose action fails, has it recorded on its own.
   */
  latest(): { latest: string | null };
}

/**
 * The one wrapper of every protocol route, doing what the reference does: record `latest` (whatever
 * the outcome, so a 403, 400 or 404 still records it), check the simulator's credentials, then run
 * the route and show any domain failure through the one error table. A successful action records
 * `latest` in its own write statement (one GraphQL execution and one statement per request); any
 * other outcome (refused credentials, a bad body, a read, a failed action, a registration) records
 * it on its own.
 * With SIM_ALLOWED_NETWORKS, a caller from elsewhere is refused before all of that: it may not even
 * move `latest` or register users.
 */
function failure(error: unknown, request: Request): Response {
  if (isDomainError(error)) return domainErrorResponse(error);
  if (clientWentAway(error)) {
    // The simulator gives up after 0.3 s and closes the socket mid-body: its error, not ours.
    logger().info({ url: request.url }, "simulator closed the connection before the request was read");
    return errorResponse(400, "The request was aborted");
  }
  // Also when a wrapper's error no longer shows it, but this request's own database call met the outage.
  if (isDatabaseUnavailable(error) || currentOutageScope()?.metOutage === true) {
    noteDatabaseUnavailable();
    logger().warn({ err: error, url: request.url }, "simulator request failed: database unavailable");
    return databaseUnavailableResponse();
  }
  logger().error({ err: error, url: request.url }, "simulator request failed");
  return errorResponse(500, "Internal server error");
}

export function simRoute<Params>(
  options: {
    /** Whether the route needs the simulator's credentials (all but register and latest). */
    auth: boolean;
    /** Whether the route reads `latest` (all but `GET /latest` itself). */
    recordsLatest?: boolean;
  },
  handle: (sim: SimRequest, params: Params) => Promise<Response>,
): RouteHandler<Params> {
  return async (request, { params }) => {
    const allowed = env().simAllowedNetworks;
    if (allowed !== undefined && !isSimulatorNetwork(allowed, clientAddress(request.headers))) {
      return forbidden();
    }
    let pending: bigint | undefined;
    let handedOver: bigint | undefined;
    let response: Response;
    const context = createContext({ viewer: null, isSimulator: true });
    try {
      const query = new URL(request.url).searchParams;
      pending = options.recordsLatest === false ? undefined : parseLatest(query.get("latest"));
      const latest = () => {
        handedOver ??= pending;
        pending = undefined;
        return { latest: handedOver === undefined ? null : handedOver.toString() };
      };
      if (options.auth && !isSimulator(request.headers.get("authorization"))) response = forbidden();
      else response = await handle({ request, query, context, latest }, await params);
    } catch (error) {
      // The action failed: its statement, if it ran, rolled the recording back with it.
      pending ??= handedOver;
      response = failure(error, request);
    }
    if (pending !== undefined) {
      try {
        await runOperationOrThrow(SimRecordLatestDocument, { value: pending.toString() }, context);
      } catch (error) {
        return failure(error, request);
      }
    }
    return response;
  };
}
