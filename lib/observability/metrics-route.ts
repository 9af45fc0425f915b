import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../runtime/env";
import { CLIENT_IP_HEADER } from "./http";
import { logger } from "./logger";
import { metrics } from "./metrics";
import { parseNetworkList, type NetworkList } from "./networks";

/**
 * `GET /metrics` in Prometheus text format. Open by default for local use; in production set
 * METRICS_TOKEN (Prometheus sends `Authorization: Bearer <token>`) and/or METRICS_ALLOWED_NETWORKS
 * (the scraper's networks). With both set, a scrape must pass both.
 */
export type MetricsAccess = {
  token?: string;
  /** Comma-separated CIDR list, e.g. `10.0.0.0/8,::1/128`. */
  allowedNetworks?: string;
};

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** The GET handler for a given access policy; the route uses the one from the environment. */
export function createMetricsHandler(access: MetricsAccess): (request: Request) => Promise<Response> {
  // Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
  const expectedToken = access.token === undefined ? undefined : digest(access.token);
  let networks: NetworkList | undefined;
  let misconfigured: string | undefined;
  if (access.allowedNetworks !== undefined) {
    try {
      networks = parseNetworkList(access.allowedNetworks);
    } catch (error) {
      misconfigured = error instanceof Error ? error.message : String(error);
    }
  }

  return async function GET(request: Request): Promise<Response> {
    if (misconfigured !== undefined) {
      // Fail closed: a typo in the allow-list must not open the endpoint.
      logger().error({ reason: misconfigured }, "METRICS_ALLOWED_NETWORKS is invalid; refusing scrapes");
      return text(500, "Metrics access is misconfigured\n");
    }
    if (networks !== undefined) {
      const client = request.headers.get(CLIENT_IP_HEADER);
      if (client === null || !networks.matches(client)) return text(403, "Forbidden\n");
    }
    if (expectedToken !== undefined) {
      const match = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
      if (match === null || !timingSafeEqual(digest(match[1] ?? ""), expectedToken)) {
        return text(401, "Unauthorized\n", { "www-authenticate": 'Bearer realm="metrics"' });
      }
    }

    const { registry } = metrics();
    return new Response(await registry.metrics(), {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  };
}

let fromEnv: ((request: Request) => Promise<Response>) | undefined;

export function GET(request: Request): Promise<Response> {
  const { metricsToken, metricsAllowedNetworks } = env();
  fromEnv ??= createMetricsHandler({ token: metricsToken, allowedNetworks: metricsAllowedNetworks });
  return fromEnv(request);
}
