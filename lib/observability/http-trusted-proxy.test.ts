import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Behind a proxy on this machine (loopback trusted), as the app runs behind Caddy in the stack. The
// configuration is read once per process, so it is set before the modules load (one file, one
// module graph).
vi.stubEnv("TRUST_PROXY", "127.0.0.0/8");
const { observeRequest } = await import("./http");
const { logger } = await import("./logger");

const server = createServer((req, res) => {
  observeRequest(req, res);
  res.end("ok");
});
let base = "";
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const capture = (obj: unknown) => void lines.push(obj as Record<string, unknown>);
  vi.spyOn(logger(), "info").mockImplementation(capture as Logger["info"]);
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

async function loggedClient(path: string, forwardedFor: string): Promise<unknown> {
  await fetch(`${base}${path}`, { headers: { "X-Forwarded-For": forwardedFor } });
  for (let i = 0; i < 200 && !lines.some((line) => line.path === path); i++) await sleep(10);
  return lines.find((line) => line.path === path)?.client;
}

describe("client address in the request log line behind a trusted proxy", () => {
  it("is the address the proxy saw, not the proxy's", async () => {
    expect(await loggedClient("/one", "198.51.100.7")).toBe("198.51.100.7");
  });

  it("ignores what the client wrote left of it", async () => {
    expect(await loggedClient("/two", "10.9.9.9, 198.51.100.8")).toBe("198.51.100.8");
  });
});
