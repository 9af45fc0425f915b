import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { verifyCredentials } from "../domain/users";
import { setRequestUser } from "../observability/http";
import { logger } from "../observability/logger";
import { isTokenRevoked, revokeToken } from "./revocations";
import { authSecret } from "./secret";

export type Role = "USER" | "ADMIN";

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

declare module "next-auth" {
  interface Session {
    viewer?: SessionUser;
  }
  interface User {
    username?: string;
    role?: Role;
  }
}

/** Carries which check failed, so the login form can say `Invalid username` or `Invalid password`. */
export class InvalidCredentials extends CredentialsSignin {
  constructor(readonly reason: "USER_NOT_FOUND" | "BAD_PASSWORD") {
    super(reason);
    this.code = reason;
  }
}

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Our own pages; next-auth's built-in ones are never shown.
  pages: { signIn: "/login", signOut: "/logout", error: "/login" },
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(credentials) {
        const username = typeof credentials.username === "string" ? credentials.username : "";
        const password = typeof credentials.password === "string" ? credentials.password : "";
        const result = await verifyCredentials(username, password);
        if (!result.ok) throw new InvalidCredentials(result.reason);
        const { id, username: name, role } = result.user;
        return { id: String(id), username: name, role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.username = user.username;
        token.role = user.role;
      }
      if (typeof token.jti === "string" && isTokenRevoked(token.jti)) return null;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "number" && typeof token.username === "string") {
        session.viewer = {
          id: token.uid,
          username: token.username,
          role: token.role === "ADMIN" ? "ADMIN" : "USER",
        };
      }
      return session;
    },
  },
  events: {
    signOut(message) {
      const token = "token" in message ? message.token : null;
      if (token && typeof token.jti === "string" && typeof token.exp === "number") {
        revokeToken(token.jti, token.exp * 1000);
      }
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      logger().error({ err: error }, "auth error");
    },
    warn(code) {
      logger().warn({ code }, "auth warning");
    },
  },
}));

/** The signed-in user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const viewer = session?.viewer ?? null;
  if (viewer) setRequestUser(viewer.id);
  return viewer;
}
