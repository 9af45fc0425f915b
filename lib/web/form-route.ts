import { NextResponse, type NextRequest } from "next/server";
import { checkRequest, csrfRefusal } from "../security/csrf";
import { encodeFlash, FLASH_COOKIE, flashCookieOptions, type FormName } from "./flash";

/**
 * What a form post (or one of the original's state-changing GET links) came to. One outcome, three
 * renderings: a redirect with a flash for plain HTML forms and scripted clients (post, redirect, get,
 * as the original did), or JSON for the page's own script, which then updates the page in place.
 */
export type FormOutcome =
  | { kind: "redirect"; to: string; flash?: string; flaggedMessage?: string }
  | {
      kind: "invalid";
      form: FormName;
      error: string;
      field?: string;
      values?: Record<string, string>;
      back: string;
    }
  | {
      kind: "refused";
      status: 400 | 401 | 403 | 404 | 413 | 429;
      message: string;
      retryAfterSeconds?: number;
    };

export interface FormRequest {
  request: NextRequest;
  /** The submitted fields (empty for GET links). */
  fields: URLSearchParams;
}

/** Header the page's script sends so it gets JSON instead of a redirect. */
export function wantsJson(request: Request): boolean {
  return request.headers.get("accept")?.includes("application/json") ?? false;
}

/** Whether the client reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return forwarded ? forwarded === "https" : request.nextUrl.protocol === "https:";
}

const MAX_BODY_BYTES = 64 * 1024;

async function readFields(request: NextRequest): Promise<URLSearchParams | "too-large" | "bad"> {
  if (request.method === "GET" || request.method === "HEAD") return new URLSearchParams();
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return "too-large";
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      const fields = new URLSearchParams();
      for (const [name, value] of await request.formData()) {
        if (typeof value === "string") fields.append(name, value);
      }
      return fields;
    }
    // A post without a form body carries no fields (the original tolerated that, e.g. for /logout).
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES) return "too-large";
    return new URLSearchParams();
  } catch {
    return "bad";
  }
}

/** Wraps a form's logic: refuses cross-site requests, parses the body, renders the outcome. */
export function formRoute(handle: (input: FormRequest) => Promise<FormOutcome>) {
  return async function route(request: NextRequest): Promise<Response> {
    if (!checkRequest(request).ok) return csrfRefusal();
    const fields = await readFields(request);
    const outcome: FormOutcome =
      fields === "too-large"
        ? { kind: "refused", status: 413, message: "The form is too large." }
        : fields === "bad"
          ? { kind: "refused", status: 400, message: "The form could not be read." }
          : await handle({ request, fields });
    return render(request, outcome);
  };
}

export function render(request: NextRequest, outcome: FormOutcome): Response {
  const json = wantsJson(request);
  const secure = isHttps(request);
  switch (outcome.kind) {
    case "redirect": {
      const response = json
        ? NextResponse.json({ redirectTo: outcome.to, flash: outcome.flash ?? null })
        : new NextResponse(null, { status: 303, headers: { Location: outcome.to } });
      if (outcome.flash !== undefined) {
        response.cookies.set(
          FLASH_COOKIE,
          encodeFlash({
            message: outcome.flash,
            ...(outcome.flaggedMessage === undefined ? {} : { flagged: outcome.flaggedMessage }),
          }),
          flashCookieOptions(secure),
        );
      }
      return noStore(response);
    }
    case "invalid": {
      if (json) {
        return noStore(
          NextResponse.json({ error: outcome.error, field: outcome.field ?? null }, { status: 422 }),
        );
      }
      const response = new NextResponse(null, { status: 303, headers: { Location: outcome.back } });
      response.cookies.set(
        FLASH_COOKIE,
        encodeFlash({
          form: {
            form: outcome.form,
            error: outcome.error,
            values: outcome.values ?? {},
            ...(outcome.field === undefined ? {} : { field: outcome.field }),
          },
        }),
        flashCookieOptions(secure),
      );
      return noStore(response);
    }
    case "refused": {
      const headers: Record<string, string> = {};
      if (outcome.retryAfterSeconds !== undefined) headers["Retry-After"] = String(outcome.retryAfterSeconds);
      if (json)
        return noStore(NextResponse.json({ error: outcome.message }, { status: outcome.status, headers }));
      return noStore(
        new NextResponse(refusalPage(outcome.status, outcome.message), {
          status: outcome.status,
          headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
        }),
      );
    }
  }
}

function noStore(response: NextResponse): NextResponse {
  response.headers.set("Cache-Control", "no-store");
  return response;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/** A bare page for the few refusals a plain form post can meet; the page's script shows them inline. */
function refusalPage(status: number, message: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${status} | MiniTwit</title></head><body><main>` +
    `<h1>MiniTwit</h1><p role="alert">${escapeHtml(message)}</p>` +
    `<p><a href="/public">public timeline</a> | <a href="/login">sign in</a></p></main></body></html>`
  );
}
