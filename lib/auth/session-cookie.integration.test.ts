import { encode } from "next-auth/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/prisma";
import { endSession, startSession } from "@/lib/domain/sessions";
import { createUser } from "@/e2e/support/fixtures";
import { authSecret } from "./secret";
import { SESSION_LIFETIME, viewerFromSessionCookie } from "./session-cookie";

afterAll(disconnectDb);

const PLAIN = "authjs.session-token";
const SECURE = "__Secure-authjs.session-token";

/** A session cookie as next-auth writes it (the cookie's name is the key's salt). */
async function cookie(name: string, token: Record<string, unknown>, secret = authSecret()): Promise<string> {
  return `${name}=${await encode({ token, secret, salt: name })}`;
}

describe("viewerFromSessionCookie (the live stream's session, outside Next.js)", () => {
  it("finds the user of the session row the cookie names, under the scheme's cookie name", async () => {
    const user = await createUser();
    const sid = await startSession(user.id, SESSION_LIFETIME);
    const plain = await cookie(PLAIN, { sid });
    const secure = await cookie(SECURE, { sid });
    expect(await viewerFromSessionCookie(new Headers({ cookie: plain }))).toEqual({
      id: user.id,
      username: user.username,
      role: "USER",
    });
    expect(
      await viewerFromSessionCookie(new Headers({ cookie: secure, "x-forwarded-proto": "https" })),
    ).toMatchObject({ id: user.id });
    // Auth.js reads only the cookie of the scheme in use.
    expect(
      await viewerFromSessionCookie(new Headers({ cookie: plain, "x-forwarded-proto": "https" })),
    ).toBeNull();
  });

  it("is anonymous for an ended session, a forged cookie, a cookie without a session and no cookie", async () => {
    const user = await createUser();
    const sid = await startSession(user.id, SESSION_LIFETIME);
    const valid = await cookie(PLAIN, { sid });
    await endSession(sid);
    const cases = [
      valid,
      `${PLAIN}=not-a-token`,
      await cookie(PLAIN, { sid }, "another-secret-that-is-long-enough-0123456789"),
      await cookie(PLAIN, { viewer: { id: user.id, username: user.username, role: "ADMIN" } }),
    ];
    for (const value of cases) {
      expect(await viewerFromSessionCookie(new Headers({ cookie: value }))).toBeNull();
    }
    expect(await viewerFromSessionCookie(new Headers())).toBeNull();
  });
});
