import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { createUser } from "../../e2e/support/fixtures";
import { countQueries } from "../../e2e/support/query-counter";
import { endSession, sessionViewer, startSession } from "./sessions";

afterAll(disconnectDb);

const WEEK = 7 * 24 * 3600;
const lifetime = { maxAgeSeconds: WEEK, renewAfterSeconds: 24 * 3600 };

async function expiresAt(id: string): Promise<Date> {
  return (await db().session.findUniqueOrThrow({ where: { id } })).expiresAt;
}

describe("sessions", () => {
  it("name their user as the database has them now, until ended", async () => {
    const user = await createUser();
    const id = await startSession(user.id, lifetime);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessionViewer(id, lifetime)).toEqual({ id: user.id, username: user.username, role: "USER" });

    await db().user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    expect((await sessionViewer(id, lifetime))?.role).toBe("ADMIN");

    await endSession(id);
    expect(await sessionViewer(id, lifetime)).toBeNull();
    await expect(endSession(id)).resolves.toBeUndefined();
  });

  it("end with their user's account, and are independent of each other", async () => {
    const user = await createUser();
    const [phone, laptop] = [await startSession(user.id, lifetime), await startSession(user.id, lifetime)];
    await endSession(phone);
    expect(await sessionViewer(laptop, lifetime)).not.toBeNull();
    await db().user.delete({ where: { id: user.id } });
    expect(await sessionViewer(laptop, lifetime)).toBeNull();
  });

  it("cost one statement per check, renewing the expiry only when it is due", async () => {
    const user = await createUser();
    const id = await startSession(user.id, lifetime);
    const fresh = await expiresAt(id);
    const { queries } = await countQueries(() => sessionViewer(id, lifetime));
    expect(queries).toHaveLength(1);
    expect(await expiresAt(id)).toEqual(fresh);

    // A session last renewed two days ago is pushed forward to a full week from now.
    await db().session.update({
      where: { id },
      data: { expiresAt: new Date(Date.now() + (WEEK - 2 * 86400) * 1000) },
    });
    expect(await sessionViewer(id, lifetime)).not.toBeNull();
    expect((await expiresAt(id)).getTime()).toBeGreaterThan(Date.now() + (WEEK - 60) * 1000);
  });

  it("expire, and expired ones are cleared out at the next sign-in", async () => {
    const user = await createUser();
    const id = await startSession(user.id, lifetime);
    await db().session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionViewer(id, lifetime)).toBeNull();
    await startSession(user.id, lifetime);
    expect(await db().session.findUnique({ where: { id } })).toBeNull();
  });
});
