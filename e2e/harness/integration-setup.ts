import type { TestProject } from "vitest/node";
import { createTestDatabase } from "../../lib/db/test-database";

/**
 * Vitest global setup for `*.integration.test.ts`: one fresh, migrated PostgreSQL database per run,
 * handed to the test files through DATABASE_URL.
 */
export default async function setup(_project: TestProject) {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  if (database.embedded) process.env.MINITWIT_EMBEDDED_DB = "1";
  return async () => {
    await database.dispose();
  };
}
