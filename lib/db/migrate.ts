import { createHash, randomUUID } from "node:crypto";
import { env } from "../runtime/env";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { pgConfigFromUrl, withClient } from "./pg-config";

/**
 * Applies pending migrations from prisma/migrations, recording them in Prisma's own
 * `_prisma_migrations` table so `prisma migrate status`/`deploy` agree with what ran. Runs in the app
 * without Prisma's CLI (whose engines are a download), under an advisory lock so concurrent starters
 * apply each migration once; each migration runs in its own transaction.
 */

const LOCK_ID = 72707369; // any constant shared by every instance of this app

export type MigrationResult = { applied: string[]; alreadyApplied: number };

export function defaultMigrationsDir(): string {
  return env().migrationsDir;
}

async function readMigrations(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Names of the migrations of this build that the database has not applied (all of them on an empty
 * database), for tools that need the current schema but must not change it themselves.
 */
export async function pendingMigrations(
  databaseUrl: string,
  dir = defaultMigrationsDir(),
): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const applied = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ ready: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS ready`,
    );
    if (!rows[0]?.ready) return new Set<string>();
    const done = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(done.rows.map((row) => row.migration_name));
  });
  return migrations.map((m) => m.name).filter((name) => !applied.has(name));
}

export async function applyMigrations(
  databaseUrl: string,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<MigrationResult> {
  const migrations = await readMigrations(options.dir ?? defaultMigrationsDir());
  const client = new pg.Client(pgConfigFromUrl(databaseUrl));
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
    }>(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`);
    const done = new Map(rows.map((r) => [r.migration_name, r]));

    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new Error(
        `Migration ${failed.migration_name} failed earlier and needs an operator: fix the database, then mark it with \`prisma migrate resolve\``,
      );
    }
    const known = new Set(migrations.map((m) => m.name));
    const unknown = rows.filter((r) => !known.has(r.migration_name)).map((r) => r.migration_name);
    if (unknown.length > 0) {
      throw new Error(`The database has migrations this build does not know: ${unknown.join(", ")}`);
    }

    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = done.get(migration.name);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          options.log?.(`warning: migration ${migration.name} was edited after it was applied`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
          [id, migration.checksum, migration.name],
        );
        await client.query(migration.sql);
        await client.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
      options.log?.(`applied migration ${migration.name}`);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
