import http from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedPost = { path: string; at: number; body: unknown };

export type WebhookReceiver = {
  /** http://127.0.0.1:port */
  url: string;
  /** Every POST so far, oldest first. */
  received(): readonly ReceivedPost[];
  close(): Promise<void>;
};

/**
 * A local stand-in for a chat service's incoming webhook (and for a dead man's switch): records the
 * JSON body of every POST, by path, and answers 200 like Slack does.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST") {
        res.writeHead(405).end();
        return;
      }
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ path: req.url ?? "/", at: Date.now(), body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
