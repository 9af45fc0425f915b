/**
 * Reads a JSON object body under a hard byte limit. The limit holds whatever the client claims:
 * a `Content-Length` over it is refused before reading, and a chunked or lying body is cut off the
 * moment it passes the limit, so memory stays bounded by the limit however big the body is.
 */

export const MAX_BODY_BYTES = 1024 * 1024;
/** After refusing a body, read (and drop) this much more so the client gets to see the 413. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export type BodyResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413; message: string };

const TOO_LARGE = { ok: false, status: 413, message: "The request body is larger than 1 MiB" } as const;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  try {
    for (let left = budget; left > 0;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; nothing left to tell it.
  }
}

export async function readJsonObject(request: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = request.headers.get("content-length");
  const body = request.body;
  if (declared !== null && Number(declared) > limit) {
    if (body !== null) await drain(body.getReader(), MAX_DRAIN_BYTES);
    return TOO_LARGE;
  }
  if (body === null) return { ok: false, status: 400, message: "The request needs a JSON body" };

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

  let text: string;
  try {
    text = decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } catch {
    return { ok: false, status: 400, message: "The request body is not valid UTF-8" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, message: "The request body is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, status: 400, message: "The request body must be a JSON object" };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
