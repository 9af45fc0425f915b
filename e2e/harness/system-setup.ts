import type { TestProject } from "vitest/node";
import { createTestDatabase, type TestDatabase } from "../../lib/db/test-database";
import { startTestServer, tempDir } from "./server";

/**
 * Vitest global setup for the black-box suites (`*.system.test.ts`, `*.contract.test.ts`): the
 * production build started on a fresh database; its base URL reaches the tests as MINITWIT_TEST_URL.
 * With TEST_DATABASE_URL the server gets a new database on that server, else its own embedded one.
 */
export default async function setup(_project: TestProject) {
  let database: TestDatabase | undefined;
  let data: Awaited<ReturnType<typeof tempDir>> | undefined;
  if (process.env.TEST_DATABASE_URL) {
    database = await createTestDatabase({ migrate: false });
  } else {
    data = await tempDir("minitwit-system-");
  }
  const server = await startTestServer({ databaseUrl: database?.url, dataDir: data?.dir });
  process.env.MINITWIT_TEST_URL = server.url;
  return async () => {
    await server.stop();
    await database?.dispose();
    await data?.remove();
  };
}
