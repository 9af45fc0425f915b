import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { endSession, sessionViewer, startSession } from "../domain/sessions";
import { verifyCredentials, type Role, type Viewer } from "../domain/users";
import { logger } from "../observability/logger";
import { loginThrottle } from "../security/login-throttle";
import { clientAddress } from "../server/client-address";
import { authSecret } from "./secret";
import { SESSION_LIFETIME, SESSION_MAX_AGE_SECONDS, viewerFromSessionCookie } from "./session-cookie";

export type { Viewer };

declare module "next-auth" {
  interface Session {
    viewer?: Viewer;
  }
  interface User {
    username?: string;
    role?: Role;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** The session's row (`sessions.id`): the one thing the cookie has to carry. */
    sid?: string;
    /** The user as last read through the session row, for this request's session callback. */
    viewer?: Viewer;
  }
}

/** Carries which check failed, so the login form can say `Invalid username` or `Invalid password`. */
export class InvalidCredentials extends CredentialsSignin {
  constructor(readonly reason: "USER_NOT_FOUND" | "BAD_PASSWORD") {
    super(reason);
    this.code = reason;
  }
}

/** Too many failed attempts for the account or from the address: a wait, not a wrong password. */
export class SignInThrottled extends CredentialsSignin {
  constructor(readonly retryAfterSeconds: number) {
    super("throttled");
    this.code = "throttled";
  }
}

/**
 * The credentials check of every sign-in route (the `/login` form and next-auth's own
 * `POST /api/auth/callback/credentials`): throttled here, where the password is verified, so no
 * route can skip the throttle.
 */
async function authorize(credentials: Partial<Record<string, unknown>>, request: Request) {
  const username = typeof credentials.username === "string" ? credentials.username : "";
  const password = typeof credentials.password === "string" ? credentials.password : "";
  const address = clientAddress(request.headers);
  const throttle = loginThrottle();
  const verdict = await throttle.attempt(username, address);
  if (!verdict.allowed) throw new SignInThrottled(verdict.retryAfterSeconds);
  // PostgreSQL cannot store or compare NUL in text; no username or password holds one.
  if (username.includes("\u0000")) throw new InvalidCredentials("USER_NOT_FOUND");
  if (password.includes("\u0000")) throw new InvalidCredentials("BAD_PASSWORD");
  const result = await verifyCredentials(username, password);
  if (!result.ok) throw new InvalidCredentials(result.reason);
  await throttle.succeeded(username, address);
  const { id, username: name, role } = result.user;
  return { id: String(id), username: name, role };
}

/** next-auth's error types that describe a bad request rather than a fault of the server. */
const CLIENT_AUTH_ERRORS: ReadonlySet<string> = new Set([
  "MissingCSRF",
  "UnknownAction",
  "InvalidCallbackUrl",
  "InvalidCheck",
]);

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Our own pages; next-auth's built-in ones are never shown.
  pages: { signIn: "/login", signOut: "/logout", error: "/login" },
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      authorize,
    }),
  ],
  callbacks: {
    // Runs on every read of the session (each signed-in request) and once at sign-in. The cookie
    // keeps only the session's id; who the user is and their role come from the database each time,
    // so a sign-out, a demotion or a deleted account holds from the very next request.
    async jwt({ token, user }) {
      if (user) {
        const id = Number(user.id);
        const sid = await startSession(id, SESSION_LIFETIME);
        return { sid, viewer: { id, username: user.username ?? "", role: user.role ?? "USER" } };
      }
      if (typeof token.sid !== "string") return null; // a cookie from before sessions had rows
      let viewer: Viewer | null;
      try {
        viewer = await sessionViewer(token.sid, SESSION_LIFETIME);
      } catch (error) {
        // Not known to be signed out: the cookie stays (this request is anonymous) and the next
        // request asks the database again.
        logger().error({ err: error }, "session check failed");
        return { sid: token.sid };
      }
      return viewer ? { sid: token.sid, viewer } : null;
    },
    session({ session, token }) {
      if (token.viewer) session.viewer = token.viewer;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (typeof token?.sid === "string") await endSession(token.sid);
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error; nor is a request next-auth
    // refuses for what the client sent (no CSRF token, an unknown action).
    error(error) {
      if (error instanceof CredentialsSignin) return;
      const type = (error as { type?: unknown }).type;
      if (typeof type === "string" && CLIENT_AUTH_ERRORS.has(type)) {
        logger().warn({ type, message: error.message }, "auth request refused");
        return;
      }
      logger().error({ err: error }, "auth error");
    },
    warn(code) {
      logger().warn({ code }, "auth warning");
    },
  },
}));

/** The signed-in user, or null. */
export async function currentUser(): Promise<Viewer | null> {
  // Decided as the jwt callback above decides, without Auth.js's request handling: that makes a
  // CSRF token and re-encrypts the cookie on every call, which a page or route cannot send anyway.
  return viewerFromSessionCookie(await headers());
}
