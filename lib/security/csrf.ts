/**
 * Cross-site request forgery defence for every state-changing request of the web UI (form posts,
 * and the original's GET links `/<username>/follow`, `/<username>/unfollow`, `/logout`).
 *
 * Browsers say where a request comes from (`Sec-Fetch-Site`, and `Origin` on posts), and a page on
 * another site cannot forge either. Clients that send neither (the original's scripted clients, curl)
 * are not browsers carrying a victim's cookies, so they are let through.
 */

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

export interface RequestOrigin {
  /** The `Sec-Fetch-Site` header, if any. */
  secFetchSite: string | null;
  /** The `Origin` header, if any. */
  origin: string | null;
  /** This site's host as the client addressed it (`x-forwarded-host` or `host`). */
  host: string | null;
}

export function checkRequestOrigin({ secFetchSite, origin, host }: RequestOrigin): CsrfVerdict {
  const site = secFetchSite?.trim().toLowerCase();
  // `same-site` is a sibling origin (another subdomain or port): still not this site.
  if (site === "cross-site" || site === "same-site") {
    return { ok: false, reason: `Sec-Fetch-Site: ${site}` };
  }
  if (origin !== null) {
    const originHost = hostOf(origin);
    if (originHost === null) return { ok: false, reason: `Origin: ${origin}` };
    if (host === null || originHost !== host.trim().toLowerCase()) {
      return { ok: false, reason: `Origin ${origin} is not this site` };
    }
  }
  return { ok: true };
}

function hostOf(origin: string): string | null {
  // Sandboxed frames and some redirects send the literal "null".
  if (origin === "null") return null;
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The check applied to a Fetch API request. */
export function checkRequest(request: Request): CsrfVerdict {
  return checkRequestHeaders(request.headers);
}

/** The same check on the headers alone (a request not seen as a Fetch API `Request`). */
export function checkRequestHeaders(headers: Headers): CsrfVerdict {
  const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return checkRequestOrigin({
    secFetchSite: headers.get("sec-fetch-site"),
    origin: headers.get("origin"),
    host: forwardedHost || headers.get("host"),
  });
}

/** The response for a refused request: nothing was changed. */
export function csrfRefusal(): Response {
  return new Response("Forbidden: cross-site request refused", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
