import { BODY_LIMITS, readBodyWithin, tooLargeMessage } from "../lib/security/body-limit";

export type BodyResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413; message: string };

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Reads a JSON object body under a hard byte limit (`readBodyWithin`: chunked bodies included). */
export async function readJsonObject(request: Request, limit = BODY_LIMITS.simulator): Promise<BodyResult> {
  if (request.body === null) return { ok: false, status: 400, message: "The request needs a JSON body" };
  const read = await readBodyWithin(request, limit);
  if (!read.ok) return { ok: false, status: 413, message: tooLargeMessage(limit) };

  let text: string;
  try {
    text = decoder.decode(read.bytes);
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
