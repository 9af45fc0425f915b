import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/prisma/client";
import { instrumentPool, type QueryOperation } from "./db";
import { metrics } from "./metrics";

let pool: pg.Pool;

beforeAll(() => {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL must point at the test database");
  // The embedded database serves its connections one at a time; a wider pool would only queue.
  const max = process.env.MINITWIT_EMBEDDED_DB === "1" ? 1 : 3;
  pool = instrumentPool(new pg.Pool({ connectionString, max }));
});

afterAll(async () => {
  await pool.end();
});

async function observed(operation: QueryOperation): Promise<{ count: number; sum: number }> {
  const { values } = await metrics().database.queryDuration.get();
  const find = (suffix: string) =>
    values.find(
      (v) =>
        v.metricName === `minitwit_db_query_duration_seconds_${suffix}` && v.labels.operation === operation,
    )?.value ?? 0;
  return { count: find("count"), sum: find("sum") };
}

async function delta(operations: QueryOperation[], run: () => Promise<unknown>) {
  const before = await Promise.all(operations.map(observed));
  await run();
  const after = await Promise.all(operations.map(observed));
  return Object.fromEntries(operations.map((op, i) => [op, after[i]!.count - before[i]!.count]));
}

describe("instrumentPool against PostgreSQL", () => {
  it("times pool.query by statement verb", async () => {
    const before = await observed("select");
    const moved = await delta(["select", "other"], () => pool.query("SELECT pg_sleep(0.02)"));
    expect(moved).toEqual({ select: 1, other: 0 });
    const after = await observed("select");
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(0.02);
  });

  it("times every statement of a transaction on a checked-out connection", async () => {
    const table = `obs_${randomBytes(4).toString("hex")}`;
    const moved = await delta(
      ["begin", "other", "insert", "update", "delete", "select", "rollback"],
      async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(`CREATE TEMP TABLE ${table} (id int) ON COMMIT DROP`);
          await client.query({ text: `INSERT INTO ${table} VALUES ($1), ($2)`, values: [1, 2] });
          await client.query(`UPDATE ${table} SET id = id + 1`);
          await client.query(
            `  -- a leading comment\n  /* and another */ DELETE FROM ${table} WHERE id = $1`,
            [2],
          );
          const { rows } = await client.query<{ n: number }>(`select count(*)::int AS n FROM ${table}`);
          expect(rows).toEqual([{ n: 1 }]);
          await client.query("ROLLBACK");
        } finally {
          client.release();
        }
      },
    );
    expect(moved).toEqual({ begin: 1, other: 1, insert: 1, update: 1, delete: 1, select: 1, rollback: 1 });
  });

  it("times callback-style queries and failed statements, and still reports the failure", async () => {
    const moved = await delta(["select"], async () => {
      const rows = await new Promise<unknown[]>((resolve, reject) =>
        pool.query("SELECT 1 AS one", (error, result) => (error ? reject(error) : resolve(result.rows))),
      );
      expect(rows).toEqual([{ one: 1 }]);
      await expect(pool.query("SELECT * FROM no_such_table_at_all")).rejects.toThrow(/no_such_table_at_all/);
    });
    expect(moved).toEqual({ select: 2 });
  });

  it("times the queries Prisma sends through the pool", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    try {
      const moved = await delta(["select"], async () => {
        await prisma.user.count();
        await prisma.message.findMany({ take: 1 });
      });
      expect(moved.select).toBeGreaterThanOrEqual(2);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("reports the pool's connections at scrape time", async () => {
    const client = await pool.connect();
    try {
      const body = await metrics().registry.getSingleMetricAsString("minitwit_db_pool_connections");
      const total = Number(/state="total"\} (\d+)/.exec(body)?.[1]);
      const idle = Number(/state="idle"\} (\d+)/.exec(body)?.[1]);
      expect(total).toBe(pool.totalCount);
      expect(total).toBeGreaterThanOrEqual(1);
      expect(idle).toBe(pool.idleCount);
      expect(idle).toBeLessThan(total);
      expect(body).toMatch(/state="waiting"\} 0$/m);
    } finally {
      client.release();
    }
  });

  it("counts each statement once when a pool is instrumented twice", async () => {
    const fresh = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    instrumentPool(instrumentPool(fresh));
    try {
      const moved = await delta(["select"], () => fresh.query("SELECT 1"));
      expect(moved).toEqual({ select: 1 });
    } finally {
      await fresh.end();
      instrumentPool(pool); // the gauge reports the most recently instrumented pool
    }
  });
});
