import { ensureAppRole } from "../../db/app-role";
import { logger } from "../../observability/logger";
import { env } from "../../runtime/env";
import { exitOnStartupError, prepareDatabase } from "../../server/main";

// The one-shot migration step of a deployment: apply pending migrations as the schema's owner, give
// the app's own role (APP_DATABASE_URL, when set) its rights, then exit.
async function migrate(): Promise<void> {
  const database = await prepareDatabase({ migrate: true });
  try {
    const appUrl = env().appDatabaseUrl;
    if (appUrl !== undefined && !database.embedded) {
      const outcome = await ensureAppRole(database.url, appUrl);
      logger().info(
        outcome,
        "owner" in outcome
          ? `the app connects as the owner (${outcome.role}): no role of its own`
          : `app role ${outcome.role} ${outcome.created ? "created" : "up to date"}`,
      );
    }
  } finally {
    await database.close();
  }
}

migrate().catch(exitOnStartupError);
