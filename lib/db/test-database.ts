import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded";
import { applyMigrations } from "./migrate";
import { withClient, withDatabase } from "./pg-config";

export type TestDatabase = {
  url: string;
  embedded: boolean;
  /** Drops the database (or stops and removes the embedded one). */
  dispose(): Promise<void>;
};

/**
 * A fresh, migrated database for one test run: a new database on TEST_DATABASE_URL's server when
 * that is set, else a throwaway embedded PostgreSQL in a temporary folder.
 */
export async function createTestDatabase(
  options: { serverUrl?: string; migrate?: boolean; dataDir?: string } = {},
): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.TEST_DATABASE_URL;
  const migrate = options.migrate ?? true;
  if (serverUrl) {
    const name = `minitwit_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
    const url = withDatabase(serverUrl, name);
    if (migrate) await applyMigrations(url);
    return {
      url,
      embedded: false,
      async dispose() {
        await withClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  }
  const dir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "minitwit-test-db-")));
  const embedded = await startEmbeddedPostgres({ dataDir: dir });
  if (migrate) await applyMigrations(embedded.url);
  return {
    url: embedded.url,
    embedded: true,
    async dispose() {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
