import { getToken } from "next-auth/jwt";
import { sessionViewer, type SessionLifetime } from "../domain/sessions";
import { setRequestUser } from "../observability/http";
import { logger } from "../observability/logger";
import type { Viewer } from "./auth";
import { authSecret } from "./secret";
import { isHttps } from "../security/https";

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
/** Sessions roll: one used within a week stays; its expiry is written at most once a day. */
export const SESSION_LIFETIME: SessionLifetime = {
  maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
  renewAfterSeconds: 24 * 60 * 60,
};

/**
 * The signed-in user of a request's session cookie, read without next-auth's request context: the
 * live stream is served by the custom server itself (lib/server/http-server.ts), outside Next.js, and
 * pages and routes read the viewer through it too (`currentUser`), sparing the CSRF token and the
 * re-encrypted cookie that Auth.js's session handling makes on every call.
 * It decides as next-auth's `jwt` callback in ./auth.ts does: the cookie names a session row, and
 * the user comes from the database. The cookie's name follows the scheme the client used, as
 * Auth.js picks it (`__Secure-` over HTTPS, told by `X-Forwarded-Proto`).
 */
export async function viewerFromSessionCookie(headers: Headers): Promise<Viewer | null> {
  if (!headers.get("cookie")) return null;
  const secureCookie = isHttps(headers);
  const token = await getToken({
    req: { headers: new Headers({ cookie: headers.get("cookie") ?? "" }) },
    secret: authSecret(),
    secureCookie,
  });
  if (!token || typeof token.sid !== "string") return null;
  let viewer: Viewer | null;
  try {
    viewer = await sessionViewer(token.sid, SESSION_LIFETIME);
  } catch (error) {
    // As in the jwt callback: not known to be signed out, so this request is anonymous.
    logger().error({ err: error }, "session check failed");
    return null;
  }
  if (viewer) setRequestUser(viewer.id);
  return viewer;
}
