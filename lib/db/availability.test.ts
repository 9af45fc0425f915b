import { EventEmitter } from "node:events";
import type { Pool } from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { resetSingleton } from "../runtime/singleton";
import {
  currentOutageScope,
  databaseRecentlyUnavailable,
  isDatabaseUnavailable,
  noteDatabaseAvailable,
  noteDatabaseUnavailable,
  runInOutageScope,
  watchAvailability,
  type OutageScope,
} from "./availability";

// The shapes below are what Prisma 6 with @prisma/adapter-pg and node-postgres threw against a
// PostgreSQL 15 server that was stopped, crashed or full (lib/tools/faults/db-restart.ts shows them live).
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

  it("recognises a full server (53300) however it is wrapped", () => {
    // What node-postgres throws when the server refuses a connection for lack of slots.
    const full = Object.assign(new Error("sorry, too many clients already"), {
      code: "53300",
      severity: "FATAL",
    });
    expect(isDatabaseUnavailable(full)).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", { kind: "postgres", code: "53300" }))).toBe(true);
    expect(
      isDatabaseUnavailable(prismaError("P2037", { kind: "TooManyConnections", cause: full.message })),
    ).toBe(true);
    // The reserved-slots refusal of a server with superuser_reserved_connections left.
    expect(
      isDatabaseUnavailable(
        new Error("remaining connection slots are reserved for non-replication superuser connections"),
      ),
    ).toBe(true);
    // A wrapper that kept the text on a line of its own and lost the code (Prisma's "Invalid … invocation").
    expect(
      isDatabaseUnavailable(
        new Error("Invalid `prisma.message.findMany()` invocation:\n\nsorry, too many clients already"),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error("Invalid `prisma.user.findFirst()` invocation:\n\nConnection terminated unexpectedly"),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("terminating connection due to administrator command"))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error("the database system is shutting down"))).toBe(true);
    // Only at the start of a line: a message that merely quotes it is someone else's failure.
    expect(isDatabaseUnavailable(new Error('name "sorry, too many clients already" is taken'))).toBe(false);
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
    resetSingleton("dbAvailability");
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

describe("a request's own record (OutageScope)", () => {
  beforeEach(() => {
    resetSingleton("dbAvailability");
  });

  const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
    code: "57P01",
  });

  /** A pool whose connect hands out `client` (or fails), and emits "connect" for a new one as pg's does. */
  function fakePool(client: object, fail: () => Error | undefined) {
    const pool = Object.assign(new EventEmitter(), {
      connect(callback?: (error?: Error, client?: object, release?: () => void) => void) {
        const error = fail();
        if (!error) pool.emit("connect", client);
        // pg-pool answers from its sockets' events, outside the caller's async context.
        const answer = () => (error ? callback?.(error) : callback?.(undefined, client, () => {}));
        if (callback) return void setImmediate(() => runInOutageScope({ metOutage: false }, answer));
        return error ? Promise.reject(error) : Promise.resolve(client);
      },
    }) as unknown as Pool;
    watchAvailability(pool);
    return pool;
  }

  it("is marked when the request's statement fails because its connection was terminated", async () => {
    const client = {
      query: (_sql: string) => Promise.reject(terminated),
    };
    const pool = fakePool(client, () => undefined);
    const scope: OutageScope = { metOutage: false };
    const other: OutageScope = { metOutage: false };
    await runInOutageScope(scope, async () => {
      const connected = (await pool.connect()) as unknown as typeof client;
      await expect(connected.query("SELECT 1")).rejects.toBe(terminated);
    });
    await runInOutageScope(other, async () => {
      expect(currentOutageScope()).toBe(other);
    });
    expect(scope.metOutage).toBe(true);
    expect(other.metOutage).toBe(false);
    // A later successful connection (another request won a free slot) clears the process-wide state,
    // not the request's own record: its page is still a 503.
    noteDatabaseAvailable();
    expect(databaseRecentlyUnavailable()).toBe(false);
    expect(scope.metOutage).toBe(true);
  });

  it("is marked when the request's connection is refused (callback style, as pool.query uses)", async () => {
    const full = Object.assign(new Error("sorry, too many clients already"), { code: "53300" });
    const pool = fakePool({ query: () => Promise.resolve() }, () => full);
    const scope: OutageScope = { metOutage: false };
    const seen = await runInOutageScope(
      scope,
      () =>
        new Promise<OutageScope | undefined>((resolve) =>
          (pool.connect as (cb: (error?: Error) => void) => void)(() => resolve(currentOutageScope())),
        ),
    );
    expect(scope.metOutage).toBe(true);
    // What the caller does next runs as the request that asked, not as the socket event's request.
    expect(seen).toBe(scope);
  });

  it("watches statements in callback style too, and leaves other failures alone", async () => {
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: "42601" });
    let next: Error = syntax;
    const client = {
      query(_sql: string, callback: (error?: Error) => void) {
        setImmediate(() => callback(next));
      },
    };
    const pool = fakePool(client, () => undefined);
    const scope: OutageScope = { metOutage: false };
    await runInOutageScope(scope, async () => {
      const connected = (await pool.connect()) as unknown as typeof client;
      await new Promise<void>((resolve) => connected.query("SELEC 1", () => resolve()));
      expect(scope.metOutage).toBe(false);
      next = terminated;
      await new Promise<void>((resolve) => connected.query("SELECT 1", () => resolve()));
    });
    expect(scope.metOutage).toBe(true);
  });

  it("is not needed outside a request: the process-wide state is still kept", () => {
    expect(currentOutageScope()).toBeUndefined();
    noteDatabaseUnavailable();
    expect(databaseRecentlyUnavailable()).toBe(true);
    noteDatabaseAvailable();
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
