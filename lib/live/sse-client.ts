import http from "node:http";

/**
 * A minimal graphql-sse client for tests and the benchmark: one stream per call, events as they
 * arrive with their SSE fields (`id`, `retry`) visible, which the browser client hides. node:http
 * rather than fetch, so a thousand streams need no connection pool and each costs one socket.
 */

export type SseEvent = { event: string; id?: string; data: string };

export type SseStream = {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The next event; rejects when the stream ends without one. */
  next(): Promise<SseEvent>;
  /** The `retry` hints seen so far, in ms. */
  retries: number[];
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  close(): void;
};

export function openSseStream(
  baseUrl: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const url = new URL("/api/graphql/stream", baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      agent: false,
      headers: {
        accept: "text/event-stream",
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        ...headers,
      },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      const queue: SseEvent[] = [];
      const waiters: { resolve(event: SseEvent): void; reject(error: Error): void }[] = [];
      const retries: number[] = [];
      let done = false;
      let buffer = "";
      let markEnded: () => void = () => undefined;
      const ended = new Promise<void>((r) => (markEnded = r));
      const finish = () => {
        if (done) return;
        done = true;
        markEnded();
        for (const waiter of waiters.splice(0)) waiter.reject(new Error("the stream ended"));
      };
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: "message", data: "" };
          let hasData = false;
          for (const line of block.split("\n")) {
            if (line === "" || line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event.event = value;
            else if (field === "id") event.id = value;
            else if (field === "retry") retries.push(Number(value));
            else if (field === "data") {
              event.data = hasData ? `${event.data}\n${value}` : value;
              hasData = true;
            }
          }
          if (!hasData && event.event === "message") continue;
          const waiter = waiters.shift();
          if (waiter) waiter.resolve(event);
          else queue.push(event);
        }
      });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        retries,
        ended,
        next() {
          const head = queue.shift();
          if (head) return Promise.resolve(head);
          if (done) return Promise.reject(new Error("the stream ended"));
          return new Promise((resolveNext, rejectNext) =>
            waiters.push({ resolve: resolveNext, reject: rejectNext }),
          );
        },
        close() {
          req.destroy();
          finish();
        },
      });
    });
    req.end(payload);
  });
}

export const LIVE_SUBSCRIPTION = `subscription Live($timeline: LiveTimeline!, $username: String) {
  messagePosted(timeline: $timeline, username: $username) {
    kind cursor withdrawnMessageId message { id databaseId text author { username } }
  }
}`;

export type LiveEventData = {
  kind: "POSTED" | "WITHDRAWN" | "RELOAD";
  cursor: string;
  withdrawnMessageId: string | null;
  message: { id: string; databaseId: number; text: string; author: { username: string } } | null;
};

/** The subscription's event in an SSE `next` event. */
export function liveEvent(event: SseEvent): LiveEventData {
  if (event.event !== "next") throw new Error(`expected a next event, got ${event.event}: ${event.data}`);
  const result = JSON.parse(event.data) as { data?: { messagePosted: LiveEventData }; errors?: unknown };
  if (!result.data) throw new Error(`the event carries no data: ${event.data}`);
  return result.data.messagePosted;
}
