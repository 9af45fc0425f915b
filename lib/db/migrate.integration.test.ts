import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate";
import { withClient } from "./pg-config";

const run = promisify(execFile);
const prisma = path.join(process.cwd(), "node_modules", ".bin", "prisma");
const url = process.env.DATABASE_URL!;

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql)).rows);
}

describe("migrations", () => {
  // Prisma diffs by applying the migrations to a scratch (shadow) database, which needs a real server:
  // its wasm schema engine panics introspecting PGlite. CI runs the suite on both.
  const serverUrl = process.env.TEST_DATABASE_URL;

  it.runIf(serverUrl)("describe exactly the Prisma schema (no drift; needs TEST_DATABASE_URL)", async () => {
    const shadowUrl = serverUrl!;
    const result = await run(
      prisma,
      [
        "migrate",
        "diff",
        "--from-migrations",
        "prisma/migrations",
        "--to-schema-datamodel",
        "prisma/schema.prisma",
        "--exit-code",
      ],
      { env: { ...process.env, DATABASE_URL: shadowUrl, SHADOW_DATABASE_URL: shadowUrl } },
    ).then(
      (ok): { code?: number; stdout?: string; stderr?: string } => ok,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect({
      code: result.code ?? 0,
      stdout: result.stdout,
      stderr: result.code ? result.stderr : "",
    }).toEqual({
      code: 0,
      stdout: expect.stringContaining("No difference detected"),
      stderr: "",
    });
  });

  it("were recorded in Prisma's table, so `prisma migrate status` agrees", async () => {
    const rows = await query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations"`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    const status = await run(prisma, ["migrate", "status"], { env: { ...process.env, DATABASE_URL: url } });
    expect(status.stdout).toContain("Database schema is up to date");
  });

  it("are applied once: a second run changes nothing", async () => {
    const again = await applyMigrations(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBeGreaterThan(0);
  });

  it("create the indexes the timelines rely on", async () => {
    const rows = await query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.messages_author_pub_date_idx).toMatch(/\(author_id, pub_date DESC, id DESC\)/);
    expect(defs.messages_pub_date_idx).toMatch(/\(pub_date DESC, id DESC\)/);
    expect(defs.follows_pkey).toMatch(/\(follower_id, followee_id\)/);
    expect(defs.follows_followee_idx).toMatch(/\(followee_id, follower_id\)/);
    expect(defs.users_username_key).toMatch(/UNIQUE.*\(username\)/);
  });

  it("refuse to run over a migration that failed earlier", async () => {
    await query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('failed-test', 'x', '99999999999999_broken', now())`,
    );
    try {
      await expect(applyMigrations(url)).rejects.toThrow(/99999999999999_broken failed earlier/);
    } finally {
      await query(`DELETE FROM "_prisma_migrations" WHERE id = 'failed-test'`);
    }
  });
});
