import http from "node:http";

/**
 * Next.js loads a route's module on its first request, which then takes far longer than the
 * simulator's 0.3 s budget. A new instance therefore calls each hot route once, on loopback and
 * without credentials or bodies (answers 400/403, nothing is written), before it reports ready.
 */
const ROUTES: [method: string, path: string][] = [
  ["GET", "/sim/latest"],
  ["POST", "/sim/register"],
  ["GET", "/sim/msgs"],
  ["GET", "/sim/msgs/warm-up"],
  ["POST", "/sim/msgs/warm-up"],
  ["GET", "/sim/fllws/warm-up"],
  ["POST", "/sim/fllws/warm-up"],
  ["GET", "/public"],
  ["GET", "/api/graphql?query=%7B__typename%7D"],
];

function request(port: number, method: string, path: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, headers: { "x-minitwit-warm-up": "1", connection: "close" } },
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

export async function warmUp(port: number, timeoutMs = 15_000): Promise<void> {
  for (const [method, path] of ROUTES) await request(port, method, path, timeoutMs);
}
