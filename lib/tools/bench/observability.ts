/**
 * CPU cost of the per-request instrumentation (request id, metrics, one log line), measured on fake
 * requests so nothing else is counted. The simulator's budget is about 2 ms of server CPU per
 * request in total; this should stay a small fraction of it.
 *
 *   npx tsx lib/tools/bench/observability.ts > /dev/null          # log lines written (to /dev/null)
 *   LOG_LEVEL=silent npx tsx lib/tools/bench/observability.ts     # instrumentation without logging
 *
 * Results go to stderr so stdout can carry (and discard) the log lines.
 */
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { observeRequest } from "../../observability/http";
import { metrics } from "../../observability/metrics";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100_000);

class FakeResponse extends EventEmitter {
  statusCode = 200;
  writableFinished = true;
  headers: Record<string, string> = {};
  setHeader(name: string, value: string) {
    this.headers[name] = value;
    return this;
  }
}

const PATHS = [
  "/sim/msgs/Roger%20Histand?latest=42",
  "/sim/fllws/Jane%20Doe?latest=43",
  "/sim/register?latest=44",
  "/public",
  "/alice/follow",
];

function fakeRequest(i: number) {
  const req = {
    method: i % 3 === 0 ? "GET" : "POST",
    url: PATHS[i % PATHS.length],
    headers: {} as Record<string, string>,
    socket: { remoteAddress: "127.0.0.1" },
  };
  return req as unknown as IncomingMessage;
}

function run(rounds: number): { wallUs: number; cpuUs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const res = new FakeResponse();
    res.statusCode = i % 10 === 0 ? 404 : 204;
    observeRequest(fakeRequest(i), res as unknown as ServerResponse);
    res.emit("close");
  }
  const wallUs = ((performance.now() - started) * 1000) / rounds;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / rounds };
}

async function main() {
  run(10_000); // warm-up: JIT and the label caches
  const result = run(ROUNDS);
  const scraped = await metrics().registry.metrics();
  process.stderr.write(
    `observeRequest + close, ${ROUNDS} requests, LOG_LEVEL=${process.env.LOG_LEVEL ?? "default"}: ` +
      `${result.wallUs.toFixed(2)} µs wall, ${result.cpuUs.toFixed(2)} µs CPU per request ` +
      `(scrape: ${scraped.length} bytes)\n`,
  );
}

void main();
