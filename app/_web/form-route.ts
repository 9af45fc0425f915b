import { NextResponse, type NextRequest } from "next/server";
import { currentOutageScope, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../../lib/db/availability";
import { assertUnreachable } from "../../lib/domain/errors";
import { BODY_LIMITS, readBodyWithin, tooLargeMessage } from "../../lib/security/body-limit";
import { checkRequest, csrfRefusal } from "../../lib/security/csrf";
import { encodeFlash, FLASH_COOKIE, flashCookieOptions, type FormName } from "./flash";
import { isHttps } from "../../lib/security/https";

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
      status: 400 | 401 | 403 | 404 | 413 | 429 | 503;
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

/**
 * C0 controls other than tab, line feed and carriage return, DEL and the C1 controls: no field of any
 * form has a use for them, and a NUL cannot even be stored in PostgreSQL text.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

type ReadFields = URLSearchParams | "too-large" | "bad" | "control-character";

async function readFields(request: NextRequest): Promise<ReadFields> {
  if (request.method === "GET" || request.method === "HEAD") return new URLSearchParams();
  const body = await readBodyWithin(request, BODY_LIMITS.form);
  if (!body.ok) return "too-large";
  const type = request.headers.get("content-type") ?? "";
  let fields: URLSearchParams;
  try {
    if (type.startsWith("application/x-www-form-urlencoded")) {
      fields = new URLSearchParams(new TextDecoder().decode(body.bytes));
    } else if (type.startsWith("multipart/form-data")) {
      fields = new URLSearchParams();
      const form = await new Response(body.bytes, { headers: { "content-type": type } }).formData();
      for (const [name, value] of form) {
        if (typeof value === "string") fields.append(name, value);
      }
    } else {
      // A post without a form body carries no fields (the original tolerated that, e.g. for /logout).
      return new URLSearchParams();
    }
  } catch {
    return "bad";
  }
  for (const [name, value] of fields) {
    if (CONTROL_CHARACTER.test(name) || CONTROL_CHARACTER.test(value)) return "control-character";
  }
  return fields;
}

/** What a form that cannot be read answers, before its own logic runs. */
function unreadable(fields: Exclude<ReadFields, URLSearchParams>): FormOutcome {
  switch (fields) {
    case "too-large":
      return { kind: "refused", status: 413, message: `${tooLargeMessage(BODY_LIMITS.form)}.` };
    case "bad":
      return { kind: "refused", status: 400, message: "The form could not be read." };
    case "control-character":
      return {
        kind: "refused",
        status: 400,
        message: "The form contains a control character (such as NUL), which no field may contain.",
      };
    default:
      return assertUnreachable(fields);
  }
}

/** What a form answers while the database is away (stopped, crashed, out of connection slots). */
export const DATABASE_UNAVAILABLE: FormOutcome = {
  kind: "refused",
  status: 503,
  message: "MiniTwit cannot reach its database just now. Please try again in a moment.",
  retryAfterSeconds: RETRY_AFTER_SECONDS,
};

/**
 * Wraps a form's logic: refuses cross-site requests, parses the body, renders the outcome. A form
 * whose database is away is a 503 refusal page (or JSON for the page's script), not a bare 500.
 */
export function formRoute(handle: (input: FormRequest) => Promise<FormOutcome>) {
  return async function route(request: NextRequest): Promise<Response> {
    if (!checkRequest(request).ok) return csrfRefusal();
    const fields = await readFields(request);
    let outcome: FormOutcome;
    try {
      outcome = typeof fields === "string" ? unreadable(fields) : await handle({ request, fields });
    } catch (error) {
      if (!isDatabaseUnavailable(error) && currentOutageScope()?.metOutage !== true) throw error;
      outcome = DATABASE_UNAVAILABLE;
    }
    return render(request, outcome);
  };
}

export function render(request: NextRequest, outcome: FormOutcome): Response {
  const json = wantsJson(request);
  const secure = isHttps(request.headers, request.nextUrl.protocol);
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
export function refusalPage(status: number, message: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${status} | MiniTwit</title></head><body><main>` +
    `<h1>MiniTwit</h1><p role="alert">${escapeHtml(message)}</p>` +
    `<p><a href="/public">public timeline</a> | <a href="/login">sign in</a></p></main></body></html>`
  );
}
