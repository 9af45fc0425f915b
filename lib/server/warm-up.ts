import http from "node:http";
import { WARM_UP_HEADER } from "./http-server";

/**
 * Next.js loads a route's module on its first request, which then takes far longer than the
 * simulator's 0.3 s budget, and the first executions of the GraphQL path are slow too. A new instance
 * therefore calls each hot route a few times on loopback before it reports ready: reads with the
 * simulator's credentials (through GraphQL to the database), writes without a body (answered 400
 * before anything is written).
 */
const ROUTES: [method: string, path: string][] = [
  ["GET", "/sim/latest"],
  ["POST", "/sim/register"],
  ["GET", "/sim/msgs?no=1"],
  ["GET", "/sim/msgs/warm-up"],
  ["POST", "/sim/msgs/warm-up"],
  ["GET", "/sim/fllws/warm-up"],
  ["POST", "/sim/fllws/warm-up"],
  ["GET", "/public"],
  ["GET", "/api/graphql?query=%7B__typename%7D"],
];
const ROUNDS = 3;

function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: { ...headers, connection: "close" },
      },
      (res) => {
        res.resume();
        res.once("end", resolve);
        res.once("error", () => resolve());
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy());
    req.once("error", () => resolve());
    req.end();
  });
}

/** Warms the server up, marking each call with its warm-up secret (`HttpServer.warmUpSecret`). */
export async function warmUp(
  server: { port: number; warmUpSecret: string },
  credentials: { username: string; password: string },
  timeoutMs = 15_000,
): Promise<void> {
  const headers = {
    [WARM_UP_HEADER]: server.warmUpSecret,
    authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [method, path] of ROUTES) await request(server.port, method, path, headers, timeoutMs);
  }
}
