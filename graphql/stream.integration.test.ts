import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/prisma";
import { postMessage } from "@/lib/domain/messages";
import { decodeMessageCursor } from "@/lib/domain/pagination";
import { setPhase } from "@/lib/server/lifecycle";
import { createUser } from "@/e2e/support/fixtures";
import { createStreamHandler } from "./stream";

afterAll(disconnectDb);

const SUBSCRIPTION = "subscription { messagePosted(timeline: PUBLIC) { kind cursor message { text } } }";

let addresses = 0;
function request(
  body: unknown,
  headers: Record<string, string> = {},
  init: { method?: string; address?: string } = {},
): Request {
  const method = init.method ?? "POST";
  return new Request("http://localhost/api/graphql/stream", {
    method,
    headers: {
      accept: "text/event-stream",
      "content-type": "application/json",
      "x-minitwit-client-ip": init.address ?? `198.51.100.${++addresses}`,
      ...headers,
    },
    body: method === "POST" ? (typeof body === "string" ? body : JSON.stringify(body)) : undefined,
  });
}

const streamHandler = createStreamHandler({
  resolveSessionViewer: async () => null,
  streamsPerUser: 2,
  streamsPerAddress: 1,
  maskErrors: true,
});
// On node:http, as the custom server serves it (lib/server/http-server.ts).
const server = http.createServer((req, res) => void streamHandler(req, res));
const origin = new Promise<string>((resolve) =>
  server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends the request to the handler over HTTP. */
async function handle(req: Request): Promise<Response> {
  const url = new URL(req.url);
  return fetch(`${await origin}${url.pathname}${url.search}`, {
    method: req.method,
    headers: req.headers,
    body: req.body ? await req.text() : undefined,
  });
}

async function codeOf(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code;
}

/**
 * The stream's text as it arrives. `until` reads until `predicate` holds for everything so far, or
 * `ms` pass (a read still waiting then is kept for the next call: one reader for the whole stream).
 */
function streamText(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  return {
    async until(predicate: (text: string) => boolean, ms = 30_000): Promise<string> {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">(
        (resolve) => (timer = setTimeout(() => resolve("timeout"), ms)),
      );
      try {
        while (!predicate(text) && !ended) {
          pending ??= reader.read();
          const result = await Promise.race([pending, timedOut]);
          if (result === "timeout") break;
          pending = undefined;
          if (result.done) ended = true;
          else text += decoder.decode(result.value, { stream: true });
        }
      } finally {
        clearTimeout(timer);
      }
      return text;
    },
    cancel: () => reader.cancel(),
  };
}

describe("/api/graphql/stream", () => {
  it("streams events with the cursor as their SSE id", async () => {
    const author = await createUser();
    const response = await handle(request({ query: SUBSCRIPTION }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const stream = streamText(response);
    expect(await stream.until((t) => t.includes(":\n\n"))).toMatch(/^retry: \d+\n:\n\n/);
    // The stream joins the fan-out a moment after it opens: post until one arrives.
    let text = "";
    const fullEvent = (t: string) => /event: next\ndata: .*\n\n/.test(t);
    for (let i = 0; !fullEvent(text); i++) {
      await postMessage({ id: author.id }, `streamed ${i}`);
      text = await stream.until(fullEvent, 300);
    }
    const id = /id: (\S+)\nevent: next\ndata: (.*)\n\n/.exec(text);
    expect(id).not.toBeNull();
    expect(() => decodeMessageCursor(id![1]!)).not.toThrow();
    expect(JSON.parse(id![2]!)).toMatchObject({
      data: { messagePosted: { kind: "POSTED", cursor: id![1] } },
    });
    await stream.cancel();
  });

  it("answers bad requests with 4xx before any stream opens", async () => {
    const cases: [Request, number, string][] = [
      [request({ query: SUBSCRIPTION }, { accept: "application/json" }), 406, "BAD_REQUEST"],
      [request({ query: "{ latest }" }), 400, "BAD_REQUEST"],
      [request({ query: "subscription {" }), 400, "GRAPHQL_PARSE_FAILED"],
      [request({ query: "subscription { nothing }" }), 400, "GRAPHQL_VALIDATION_FAILED"],
      [request("{not json"), 400, "BAD_REQUEST"],
      [request({ query: SUBSCRIPTION, padding: "x".repeat(20_000) }), 413, "BAD_REQUEST"],
      [request({ query: SUBSCRIPTION }, { "last-event-id": "bogus" }), 400, "BAD_USER_INPUT"],
      [request({ query: SUBSCRIPTION }, { authorization: "Bearer mt_wrong" }), 401, "UNAUTHENTICATED"],
      [request({ query: SUBSCRIPTION }, { origin: "https://evil.example" }), 403, "FORBIDDEN"],
      [request(null, {}, { method: "PUT" }), 405, "BAD_REQUEST"],
      [request({ query: "subscription { messagePosted(timeline: HOME) { kind } }" }), 401, "UNAUTHENTICATED"],
      [
        request({
          query: 'subscription { messagePosted(timeline: USER, username: "nobody here") { kind } }',
        }),
        404,
        "USER_NOT_FOUND",
      ],
    ];
    for (const [req, status, code] of cases) {
      const response = await handle(req);
      expect({ status: response.status, code: await codeOf(response) }).toEqual({ status, code });
    }
  });

  it("accepts GET with the operation in the URL, as EventSource sends it", async () => {
    const url = `http://localhost/api/graphql/stream?query=${encodeURIComponent(SUBSCRIPTION)}`;
    const response = await handle(
      new Request(url, {
        headers: { accept: "text/event-stream", "x-minitwit-client-ip": "198.51.100.200" },
      }),
    );
    expect(response.status).toBe(200);
    await response.body!.cancel();
  });

  it("refuses a stream over the address's limit with 429 and Retry-After, and frees the slot on close", async () => {
    const address = "198.51.100.250";
    const first = await handle(request({ query: SUBSCRIPTION }, {}, { address }));
    expect(first.status).toBe(200);
    const second = await handle(request({ query: SUBSCRIPTION }, {}, { address }));
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("30");
    await first.body!.cancel();
    for (;;) {
      const again = await handle(request({ query: SUBSCRIPTION }, {}, { address }));
      if (again.status === 200) {
        await again.body!.cancel();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("refuses new streams while the instance drains", async () => {
    setPhase("draining");
    try {
      const response = await handle(request({ query: SUBSCRIPTION }));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
    } finally {
      setPhase("ready");
    }
  });
});
