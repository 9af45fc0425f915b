import { mkdir } from "node:fs/promises";
import path from "node:path";

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
    await mkdir(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create(dataDir);
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
      })();
      return stopped;
    },
  };
}
