import path from "node:path";
import { env, adoptEmbeddedDatabase } from "../runtime/env";
import { acquireLock, readLock, releaseLock, updateLock } from "./data-dir-lock";
import { startEmbeddedPostgres } from "./embedded";

export type Database = {
  url: string;
  /** What to print: the server without credentials, or the embedded database's folder. */
  description: string;
  embedded: boolean;
  close(): Promise<void>;
};

/** Hides the password of a database URL for logs. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return `PostgreSQL at ${parsed.host}${parsed.pathname}`;
}

/**
 * The database this process uses: DATABASE_URL when set, else the embedded PostgreSQL in the data
 * folder. With `shareRunning`, a tool reaches an embedded database that a running server already owns.
 * Sets DATABASE_URL (and MINITWIT_EMBEDDED_DB) for the rest of the process.
 */
export async function openDatabase(options: { shareRunning?: boolean } = {}): Promise<Database> {
  const config = env();
  if (config.databaseUrl) {
    return {
      url: config.databaseUrl,
      description: describeUrl(config.databaseUrl),
      embedded: false,
      close: async () => undefined,
    };
  }
  const dataDir = path.resolve(config.dataDir);
  const pgliteDir = path.join(dataDir, "pglite");
  const owner = options.shareRunning ? readLock(dataDir) : undefined;
  if (owner && owner.url !== "") {
    const url = owner.url;
    adoptEmbeddedDatabase(url);
    return {
      url,
      description: `embedded PostgreSQL (${pgliteDir}, served by process ${owner.pid})`,
      embedded: true,
      close: async () => undefined,
    };
  }
  acquireLock(dataDir);
  try {
    // Served on a Unix socket in the data folder, which only its owner can enter.
    const embedded = await startEmbeddedPostgres({ dataDir: pgliteDir, socketDir: dataDir });
    updateLock(dataDir, embedded.url);
    adoptEmbeddedDatabase(embedded.url);
    return {
      url: embedded.url,
      description: `embedded PostgreSQL (${pgliteDir})`,
      embedded: true,
      async close() {
        await embedded.stop();
        releaseLock(dataDir);
      },
    };
  } catch (error) {
    releaseLock(dataDir);
    throw error;
  }
}
