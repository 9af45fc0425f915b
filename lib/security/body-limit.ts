/**
 * The one rule for request bodies: a body is read under a hard byte limit that holds whatever the
 * client claims. A `Content-Length` over the limit is refused before reading; a chunked or lying
 * body is cut off the moment it passes the limit. Memory therefore stays bounded by the limit however
 * big the body is. Every reader of a body (the simulator's JSON, the forms, `/api/graphql`, the
 * sign-in endpoints) goes through here.
 */

/** Every body limit, per kind of route: the routes read under these, and the server's gate below. */
export const BODY_LIMITS = {
  /** The simulator's JSON bodies (`/sim/*`). */
  simulator: 1024 * 1024,
  /** `/api/graphql`'s operations. */
  graphql: 1024 * 1024,
  /** A subscription's request on `/api/graphql/stream`: one small operation. */
  graphqlStream: 16 * 1024,
  /** The web's forms and next-auth's sign-in forms: a token, a username and a password, or a message. */
  form: 64 * 1024,
} as const;

/**
 * The limit for a path, for the HTTP server to refuse a declared `Content-Length` over it before
 * anything reads the body (Next.js buffers the body of a request its proxy runs for, so a route's own
 * reader would only start once a body that is never sent had arrived).
 */
export function bodyLimitFor(pathname: string): number {
  if (pathname === "/sim" || pathname.startsWith("/sim/")) return BODY_LIMITS.simulator;
  if (pathname === "/api/graphql/stream") return BODY_LIMITS.graphqlStream;
  if (pathname === "/api/graphql") return BODY_LIMITS.graphql;
  return BODY_LIMITS.form;
}

/** The one text of every 413, naming the limit as a person reads it ("… larger than 1 MiB"). */
export function tooLargeMessage(limit: number): string {
  const size = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : `${limit / 1024} KiB`;
  return `The request body is larger than ${size}`;
}

/** Whether a request declares a body over its path's limit (a chunked one is cut off by its reader). */
export function declaresTooLargeBody(pathname: string, contentLength: string | undefined): boolean {
  return contentLength !== undefined && Number(contentLength) > bodyLimitFor(pathname);
}

/**
 * After refusing a body, read (and drop) at most this much more, for at most this long, so a client
 * still sending gets to see the 413 instead of a reset; one that declared a huge body and sends
 * nothing gets its 413 after the time bound, not after the server's time-outs.
 */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const MAX_DRAIN_MS = 1000;

export type LimitedBody = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; reason: "too-large" };

const TOO_LARGE = { ok: false, reason: "too-large" } as const;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), MAX_DRAIN_MS);
  try {
    for (let left = budget; left > 0;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; nothing left to tell it.
  } finally {
    clearTimeout(timer);
  }
}

/** The body's bytes (empty without a body), or `too-large` once more than `limit` bytes arrive. */
export async function readBodyWithin(request: Request, limit: number): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  const body = request.body;
  if (declared !== null && Number(declared) > limit) {
    if (body !== null) await drain(body.getReader(), MAX_DRAIN_BYTES);
    return TOO_LARGE;
  }
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };

  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await drain(reader, MAX_DRAIN_BYTES);
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/**
 * The same request with its body read under the limit and held in memory, for code that reads the
 * body itself (Apollo's integration, next-auth), which then cannot read more than the limit. Null
 * when the body is over the limit.
 */
export async function withBodyWithin(request: Request, limit: number): Promise<Request | null> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const read = await readBodyWithin(request, limit);
  if (!read.ok) return null;
  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(read.bytes.byteLength));
  return new Request(request.url, { method: request.method, headers, body: read.bytes });
}
