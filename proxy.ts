import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce, STATIC_SECURITY_HEADERS } from "./lib/security/headers";
import { env } from "./lib/runtime/env";
import { isHttps } from "./lib/security/https";
import { GRAVATAR_ORIGIN } from "./lib/avatar/avatar";
import { isMessageCursor } from "./lib/domain/pagination";
import { FLASH_COOKIE, FLASH_HEADER, toHeaderValue } from "./app/_web/flash";
import { refusalPage } from "./app/_web/form-route";

/**
 * Runs before every page of the web UI (never for the simulator API, GraphQL, metrics, health checks,
 * static files or avatars: see `config.matcher`).
 *
 * - The original's forms post to the page's own URL (`/login`, `/register`, `/add_message`); a page
 *   and a route handler cannot share a path in the App Router, so those posts are rewritten to their
 *   handlers under `/api/web/`, body and all.
 * - A per-request nonce for the Content-Security-Policy, which Next.js puts on its own scripts.
 * - The flash cookie is taken off the request: its value goes to the render in a header and the
 *   cookie is deleted in the response, so a flash shows once.
 * - A timeline's `?after=` cursor that cannot be valid (tampered, out of range) is a 400 before the
 *   page renders (a page itself can only answer 404 once it streams).
 * - A browser's `GET /api/graphql` (one that accepts HTML) gets the GraphQL explorer page, under the
 *   pages' CSP; every other request there goes straight to the API (see the second matcher).
 */
const FORM_POSTS: ReadonlyMap<string, string> = new Map([
  ["/login", "/api/web/login"],
  ["/register", "/api/web/register"],
  ["/add_message", "/api/web/add_message"],
]);

const GRAPHQL_PATH = "/api/graphql";
const GRAPHQL_EXPLORER_PATH = "/api/graphql/explorer";

const ACTION_PATH = /^\/(?:logout|api\/|[^/]+\/(?:follow|unfollow)\/?$)/;

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  const formHandler = FORM_POSTS.get(pathname);
  if (formHandler && request.method === "POST") {
    return NextResponse.rewrite(new URL(formHandler, request.url));
  }

  const after = request.nextUrl.searchParams.get("after");
  if (after && (request.method === "GET" || request.method === "HEAD") && !isMessageCursor(after)) {
    return new NextResponse(refusalPage(400, "The cursor is not valid."), {
      status: 400,
      headers: {
        ...STATIC_SECURITY_HEADERS,
        "Content-Security-Policy": "default-src 'none'",
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
      },
    });
  }

  const explorer = pathname === GRAPHQL_PATH && request.method === "GET";
  const https = isHttps(request.headers, request.nextUrl.protocol);
  const nonce = createNonce();
  const csp = contentSecurityPolicy({
    nonce,
    dev: env().nodeEnv === "development",
    https,
    imageOrigins: env().gravatar ? [GRAVATAR_ORIGIN] : [],
    fontSources: pathname === GRAPHQL_PATH || pathname === GRAPHQL_EXPLORER_PATH ? ["data:"] : [],
  });

  const requestHeaders = new Headers(request.headers);
  // Only this proxy may say what the flash is.
  requestHeaders.delete(FLASH_HEADER);
  requestHeaders.set("Content-Security-Policy", csp);
  // Only a page shows the flash; an action's own request (`/logout`, a follow link) must leave it.
  const flash =
    request.method === "GET" && !ACTION_PATH.test(pathname)
      ? request.cookies.get(FLASH_COOKIE)?.value
      : undefined;
  if (flash) requestHeaders.set(FLASH_HEADER, toHeaderValue(flash));

  const response = explorer
    ? NextResponse.rewrite(new URL(GRAPHQL_EXPLORER_PATH, request.url), {
        request: { headers: requestHeaders },
      })
    : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  if (flash)
    response.cookies.set(FLASH_COOKIE, "", {
      path: "/",
      maxAge: 0,
      httpOnly: true,
      sameSite: "lax",
      secure: https,
    });
  return response;
}

export const config = {
  matcher: [
    {
      source:
        "/((?!sim(?:/|$)|api/graphql|api/auth|metrics|healthz|readyz|avatar/|_next/static|_next/image|favicon\\.ico|icon\\.svg|robots\\.txt).*)",
      // Prefetches would otherwise swallow the flash before the real navigation shows it.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // The API itself is left alone, but a browser asking for a page there gets the explorer.
    { source: "/api/graphql/:path*", has: [{ type: "header", key: "accept", value: ".*text/html.*" }] },
  ],
};
