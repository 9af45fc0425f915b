import { chmod, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** The socket's file name that PostgreSQL clients look for in a socket folder (port 5432). */
const SOCKET_FILE = ".s.PGSQL.5432";
/** Longest path a Unix socket may have (sun_path), with room to spare. */
const MAX_SOCKET_PATH = 100;

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
 * Where the socket goes: the given folder (the data folder, 0700), or a private temporary folder
 * (also 0700) when that path would be too long for a Unix socket.
 */
async function socketFolder(dir: string): Promise<{ dir: string; temporary: boolean }> {
  if (path.join(dir, SOCKET_FILE).length <= MAX_SOCKET_PATH) return { dir, temporary: false };
  return { dir: await mkdtemp(path.join(os.tmpdir(), "minitwit-db-")), temporary: true };
}

/**
 * Real PostgreSQL (PGlite, compiled to WebAssembly) served over the wire protocol, so the app talks
 * to it exactly as to a server. `dataDir` undefined keeps the database in memory.
 *
 * PGlite accepts the superuser without a password, so where it is served decides who can read the
 * hashes or make themselves admin. With `socketDir` it listens on a Unix socket in that folder
 * (0700): only the folder's owner can connect. Without, on a loopback TCP port, which every local
 * user can reach: for throwaway test databases only.
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  port?: number;
  socketDir?: string;
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
  const socket = options.socketDir ? await socketFolder(path.resolve(options.socketDir)) : undefined;
  if (socket) {
    await mkdir(socket.dir, { recursive: true, mode: 0o700 });
    await chmod(socket.dir, 0o700);
    // Left by a process that died; whoever calls this holds the data folder's lock.
    await rm(path.join(socket.dir, SOCKET_FILE), { force: true });
  }
  const server = new PGLiteSocketServer({
    db: pglite,
    ...(socket
      ? { path: path.join(socket.dir, SOCKET_FILE) }
      : { host: "127.0.0.1", port: options.port ?? 0 }),
    maxConnections: 16,
  });
  await server.start();
  // A socket folder is the URL's host, percent-encoded (as libpq and node-postgres read it).
  const url = socket
    ? `postgresql://postgres@${encodeURIComponent(socket.dir)}/postgres`
    : `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await pglite.close();
        if (dataDir) await ownerOnly(dataDir);
        if (socket?.temporary) await rm(socket.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
