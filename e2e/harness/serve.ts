import { createTestDatabase, type TestDatabase } from "../../lib/db/test-database";
import { removeServerState, writeServerState } from "../support/state";
import { startTestServer, tempDir } from "./server";

/**
 * Playwright's web server: the production build on a fresh database (a new one on TEST_DATABASE_URL's
 * server, else an embedded one in a temporary folder), removed again when Playwright stops it.
 */
async function serve() {
  const port = process.env.E2E_PORT ?? "3107";
  let database: TestDatabase | undefined;
  let data: Awaited<ReturnType<typeof tempDir>> | undefined;
  if (process.env.TEST_DATABASE_URL) database = await createTestDatabase({ migrate: false });
  else data = await tempDir("minitwit-e2e-");
  const server = await startTestServer({
    databaseUrl: database?.url,
    dataDir: data?.dir,
    port: Number(port),
  });
  // Tests reach the same database as an operator would (`npm run flag`, granting the admin role).
  writeServerState(port, { databaseUrl: database?.url, dataDir: data?.dir });
  console.log(`e2e server ready at ${server.url}`);
  const stop = async () => {
    await server.stop();
    removeServerState(port);
    await database?.dispose();
    await data?.remove();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

serve().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
