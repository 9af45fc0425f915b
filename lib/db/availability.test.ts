import { EventEmitter } from "node:events";
import type { Pool } from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import {
  databaseRecentlyUnavailable,
  isDatabaseUnavailable,
  noteDatabaseAvailable,
  noteDatabaseUnavailable,
  watchAvailability,
} from "./availability";

// The shapes below are what Prisma 6 with @prisma/adapter-pg and node-postgres threw against a
// PostgreSQL 15 server that was stopped, crashed or full (lib/faults/db-restart.ts shows them live).
function prismaError(code: string, cause: Record<string, unknown>) {
  return Object.assign(new Error("Invalid `prisma.user.findFirst()` invocation"), {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { driverAdapterError: Object.assign(new Error("DriverAdapterError"), { cause }) },
  });
}

describe("isDatabaseUnavailable", () => {
  it("recognises a server that is away, crashed, starting up or full", () => {
    expect(isDatabaseUnavailable(prismaError("P1001", { kind: "DatabaseNotReachable", port: 5432 }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(prismaError("P2010", { kind: "DatabaseNotReachable" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", { kind: "postgres", code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", { kind: "postgres", code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2037", { kind: "TooManyConnections" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error("sorry, too many clients"), { code: "53300" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("link lost"), { code: "08006" }))).toBe(true);
  });

  it("looks through a GraphQL error to its original", () => {
    const original = new Error("Connection terminated unexpectedly");
    expect(isDatabaseUnavailable({ message: "Unexpected error.", originalError: original })).toBe(true);
  });

  it("leaves every other failure alone", () => {
    expect(isDatabaseUnavailable(prismaError("P2002", { kind: "UniqueConstraintViolation" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2021", { kind: "TableDoesNotExist" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2010", { kind: "postgres", code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable("Connection terminated")).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    const loop: { cause?: unknown; message: string } = { message: "loop" };
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });
});

describe("the availability state", () => {
  beforeEach(() => {
    noteDatabaseAvailable();
    (globalThis as { minitwitDbAvailability?: unknown }).minitwitDbAvailability = undefined;
  });

  it("is away from a failure until a connection is made, or the failure is old", () => {
    expect(databaseRecentlyUnavailable()).toBe(false);
    noteDatabaseUnavailable();
    expect(databaseRecentlyUnavailable()).toBe(true);
    expect(databaseRecentlyUnavailable(5000, Date.now() + 10_000)).toBe(false);
    noteDatabaseAvailable();
    expect(databaseRecentlyUnavailable()).toBe(false);
  });

  it("follows a pool's connection attempts, callback and promise style", async () => {
    let fail = true;
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const pool = Object.assign(new EventEmitter(), {
      connect(callback?: (error?: Error, client?: object) => void) {
        if (callback) return void (fail ? callback(refused) : callback(undefined, {}));
        return fail ? Promise.reject(refused) : Promise.resolve({});
      },
    }) as unknown as Pool;
    watchAvailability(pool);
    watchAvailability(pool); // idempotent
    await expect(pool.connect()).rejects.toBe(refused);
    expect(databaseRecentlyUnavailable()).toBe(true);
    fail = false;
    await pool.connect();
    expect(databaseRecentlyUnavailable()).toBe(false);
    fail = true;
    await new Promise<void>((resolve) => (pool.connect as (cb: () => void) => void)(() => resolve()));
    expect(databaseRecentlyUnavailable()).toBe(true);
  });
});

describe("against real drivers", () => {
  it("classifies what Prisma's pg adapter throws for a server that refuses connections", async () => {
    const { default: pg } = await import("pg");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { PrismaClient } = await import("../generated/prisma/client");
    const { freePort } = await import("../server/free-port");
    const { pgConfigFromUrl } = await import("./pg-config");
    const pool = new pg.Pool(pgConfigFromUrl(`postgresql://postgres@127.0.0.1:${await freePort()}/postgres`));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    try {
      const raw = await prisma.$queryRaw`SELECT 1`.then(
        () => undefined,
        (error: unknown) => error,
      );
      const orm = await prisma.user.findFirst().then(
        () => undefined,
        (error: unknown) => error,
      );
      const direct = await pool.query("SELECT 1").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isDatabaseUnavailable(raw)).toBe(true);
      expect(isDatabaseUnavailable(orm)).toBe(true);
      expect(isDatabaseUnavailable(direct)).toBe(true);
    } finally {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    }
  });
});
