import { afterAll, describe, expect, it } from "vitest";
import { dbPool, disconnectDb } from "../db/prisma";
import { countQueries } from "../../e2e/support/query-counter";
import { getLatest, recordLatest } from "./simulator";

afterAll(disconnectDb);

describe("latest", () => {
  it("keeps the last recorded value, including ones beyond 2^53", async () => {
    const big = 9_007_199_254_740_993n + BigInt(Math.floor(Math.random() * 1000));
    await recordLatest(big);
    expect(await getLatest()).toBe(big);
    await recordLatest(42n);
    expect(await getLatest()).toBe(42n);
  });

  it("skips the flush for its own commit only, never for the pooled connection", async () => {
    await recordLatest(7n);
    const pool = dbPool();
    // Every connection the pool holds, the one that ran the upsert included (none is busy now).
    const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    try {
      for (const client of clients) {
        const { rows } = await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
        expect(rows[0]?.synchronous_commit).toBe("on");
      }
    } finally {
      for (const client of clients) client.release();
    }
    expect(clients.length).toBeGreaterThan(0);
    expect(await getLatest()).toBe(7n);
  });

  it("skips the flush only on a real server: PGlite has no WAL writer to flush it later", async () => {
    const { queries } = await countQueries(() => recordLatest(8n));
    expect(queries).toHaveLength(1);
    const skipsFlush = queries[0]?.includes("synchronous_commit");
    expect(skipsFlush).toBe(process.env.MINITWIT_EMBEDDED_DB !== "1");
    expect(await getLatest()).toBe(8n);
  });
});
