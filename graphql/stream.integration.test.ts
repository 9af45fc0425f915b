import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { dbPool, disconnectDb } from "@/lib/db/prisma";
import { liveMetrics } from "@/lib/live/metrics";
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

  it("disconnects a reader that stops reading once its queue is full, and frees its slot", async () => {
    const author = await createUser();
    const address = "203.0.113.77";
    const body = JSON.stringify({ query: SUBSCRIPTION });
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    socket.write(
      `POST /api/graphql/stream HTTP/1.1\r\nhost: localhost\r\naccept: text/event-stream\r\n` +
        `content-type: application/json\r\nx-minitwit-client-ip: ${address}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let received = "";
    await new Promise<void>((resolve) =>
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
        if (received.includes(":\n\n")) resolve();
      }),
    );
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    // From here on the client reads nothing: the kernel's buffers fill, then the stream's queue.
    socket.pause();
    const slowBefore =
      (await liveMetrics().dropped.get()).values.find((v) => v.labels.reason === "slow")?.value ?? 0;
    const connections = () => new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
    // 4,990 four-byte characters: 20 kB a frame. Written 50 rows a statement (each row's trigger
    // notifies, as a post does), until the server has let the connection go.
    const big = "\u{1F426}".repeat(4990);
    let posted = 0;
    while ((await connections()) > 0 && posted < 3000) {
      await dbPool().query(
        "INSERT INTO messages (author_id, text) SELECT $1, n || ' ' || $2 FROM generate_series(1, 50) AS n",
        [author.id, big],
      );
      posted += 50;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (let i = 0; i < 100 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await connections()).toBe(0);
    const slowAfter =
      (await liveMetrics().dropped.get()).values.find((v) => v.labels.reason === "slow")?.value ?? 0;
    expect(slowAfter).toBeGreaterThan(slowBefore);
    socket.destroy();
    // The slot is free again (one stream per address here): the same address may open a stream.
    const again = await handle(request({ query: SUBSCRIPTION }, {}, { address }));
    expect(again.status).toBe(200);
    await again.body?.cancel();
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
