import { chmod, mkdir, readdir } from "node:fs/promises";
import path from "node:path";

/**
 * The data folder holds every password hash: only its owner may read or change it. Folders 0700,
 * files 0600, also for folders an older version left world-readable. PGlite (Emscripten's file
 * system) sets 0666 on the files it creates whatever the umask, so this runs again once it has
 * created the cluster and after it closes; a file it creates in between is 0666 but behind the
 * folder's 0700, which no other user can enter.
 */
async function ownerOnly(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await ownerOnly(child);
    else if (entry.isFile()) await chmod(child, 0o600);
  }
}

export type EmbeddedPostgres = {
  url: string;
  /** Flushes and closes the database; safe to call twice. */
  stop(): Promise<void>;
};

/**
 * Real PostgreSQL (PGlite, compiled to WebAssembly) served over the wire protocol on loopback, so the
 * app talks to it exactly as to a server. `dataDir` undefined keeps the database in memory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  port?: number;
}): Promise<EmbeddedPostgres> {
  // Loaded lazily: production images talk to a real server and need not ship PGlite.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");

  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = path.resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await ownerOnly(dataDir);
  }
  const pglite = await PGlite.create(dataDir);
  if (dataDir) await ownerOnly(dataDir);
  // PGlite executes one query at a time; extra connections (tooling next to the app) are queued.
  const server = new PGLiteSocketServer({
    db: pglite,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: 16,
  });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await pglite.close();
        if (dataDir) await ownerOnly(dataDir);
      })();
      return stopped;
    },
  };
}
