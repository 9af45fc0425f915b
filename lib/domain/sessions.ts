import { randomBytes } from "node:crypto";
import { db } from "../db/prisma";
import type { Viewer } from "./users";

/**
 * Browser sessions as rows: the session cookie carries a row's id, and a session is valid exactly
 * while its row exists and has not expired. Signing out deletes the row, which ends every copy of
 * the cookie on every app instance and across restarts; deleting a user deletes their sessions.
 *
 * The id is stored as it is: a cookie is an encrypted JWT, so an id read from the database cannot be
 * turned into a cookie without the auth secret.
 */

const SESSION_ID_BYTES = 32;

export type SessionLifetime = {
  /** A session unused for this long ends. */
  maxAgeSeconds: number;
  /** Its expiry is pushed forward at most this often (a write), not on every request. */
  renewAfterSeconds: number;
};

/** Starts a session for the user; returns its id. Sign-ins also clear out sessions that expired. */
export async function startSession(userId: number, lifetime: SessionLifetime): Promise<string> {
  const id = randomBytes(SESSION_ID_BYTES).toString("base64url");
  const now = Date.now();
  await db().$transaction([
    db().session.deleteMany({ where: { expiresAt: { lt: new Date(now) } } }),
    db().session.create({
      data: { id, userId, expiresAt: new Date(now + lifetime.maxAgeSeconds * 1000) },
    }),
  ]);
  return id;
}

/**
 * The user of a live session, as the database has them now (a demotion or a deleted account shows at
 * once), or null. Runs on every signed-in request, so it is one statement: the read, joined to the
 * user, and the occasional renewal of the expiry in the same round trip. Raw SQL because the model
 * API cannot make a read and a conditional update one statement.
 */
export async function sessionViewer(id: string, lifetime: SessionLifetime): Promise<Viewer | null> {
  const maxAge = lifetime.maxAgeSeconds;
  const renewBelow = maxAge - lifetime.renewAfterSeconds;
  const rows = await db().$queryRaw<Viewer[]>`
    WITH live AS (
      SELECT s.id AS sid, s.expires_at, u.id, u.username, u.role::text AS role
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${id} AND s.expires_at > now()
    ), renewed AS (
      UPDATE sessions SET expires_at = now() + make_interval(secs => ${maxAge})
      WHERE id = (SELECT sid FROM live WHERE expires_at < now() + make_interval(secs => ${renewBelow}))
    )
    SELECT id, username, role FROM live`;
  return rows[0] ?? null;
}

/** Ends a session; ending one that is already gone is fine. */
export async function endSession(id: string): Promise<void> {
  await db().session.deleteMany({ where: { id } });
}
