import { isDatabaseUnavailable, noteDatabaseAvailable, noteDatabaseUnavailable } from "../db/availability";
import { db } from "../db/prisma";
import { logger } from "../observability/logger";
import { phase } from "./lifecycle";

const headers = { "content-type": "application/json", "cache-control": "no-store" };
const DB_TIMEOUT_MS = 2000;

/** Liveness: the process answers. */
export function healthz(): Response {
  return new Response(JSON.stringify({ status: "ok" }), { headers });
}

/** Readiness: not draining, and the database answers within the timeout. */
export async function readyz(): Promise<Response> {
  const current = phase();
  if (current !== "ready") {
    return new Response(JSON.stringify({ status: "unavailable", reason: `server is ${current}` }), {
      status: 503,
      headers,
    });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db().$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS);
      }),
    ]);
    noteDatabaseAvailable();
    return new Response(JSON.stringify({ status: "ready" }), { headers });
  } catch (error) {
    if (isDatabaseUnavailable(error)) noteDatabaseUnavailable();
    // The driver's message names hosts, users and databases: the log gets it, the caller does not.
    logger().warn({ err: error }, "readiness check: database unreachable");
    return new Response(JSON.stringify({ status: "unavailable", reason: "database unreachable" }), {
      status: 503,
      headers,
    });
  } finally {
    clearTimeout(timer);
  }
}
