import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { assertDeployable, ConfigError, env, resolveFileSecrets } from "../runtime/env";
import { openDatabase, type Database } from "../db/connect";
import { applyMigrations } from "../db/migrate";
import { disconnectDb } from "../db/prisma";
import { logger, logProcessErrors } from "../observability/logger";
import { observeRequest } from "../observability/http";
import { authSecret } from "../auth/secret";
import { setPhase } from "./lifecycle";
import { startHttpServer, type HttpServer } from "./http-server";
import { warmUp } from "./warm-up";
import { startLive } from "../live/live";
import { LIVE_STREAM_PATH, liveStreamHandler } from "../auth/graphql-stream";

function buildExists(dir: string): boolean {
  return existsSync(path.join(dir, ".next", "BUILD_ID"));
}

async function runBuild(dir: string): Promise<void> {
  logger().info("no production build found: running `next build` (first start only)");
  const bin = path.join(dir, "node_modules", ".bin", "next");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, ["build"], {
      cwd: dir,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`)),
    );
  });
}

/** Configuration errors end the process with the message alone; anything else with its stack. */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    logger().fatal({ err: error }, "start-up failed");
  }
  process.exit(1);
}

/** Validates the configuration and opens the database, applying pending migrations if told to. */
export async function prepareDatabase(options: { migrate: boolean }): Promise<Database> {
  resolveFileSecrets();
  env(); // validates every variable before anything is opened (the migrate command starts here)
  const database = await openDatabase();
  try {
    if (options.migrate) {
      const { applied, alreadyApplied } = await applyMigrations(database.url, {
        log: (message) => logger().info(message),
      });
      logger().info({ applied: applied.length, alreadyApplied }, "database schema is up to date");
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** `npm start`: build if needed, open and migrate the database, serve, and shut down gracefully. */
export async function main(argv: string[]): Promise<void> {
  const parent = process.ppid;
  const dev = argv.includes("--dev");
  if (dev) (process.env as Record<string, string>).NODE_ENV = "development";
  logProcessErrors();
  resolveFileSecrets();
  const config = env();
  assertDeployable(config);
  const dir = process.cwd();
  if (!dev && !buildExists(dir)) await runBuild(dir);

  setPhase("starting");
  const database = await prepareDatabase({ migrate: config.migrateOnStart });
  try {
    authSecret(); // a missing production secret stops start-up here, not at the first sign-in
  } catch (error) {
    await database.close();
    throw error;
  }
  logger().info({ database: database.description }, `using ${database.description}`);
  // Before the first request, so that on the embedded database every pool connection is heard.
  const live = startLive({ databaseUrl: database.url, embedded: database.embedded });

  let server: HttpServer;
  try {
    server = await startHttpServer({
      dev,
      dir,
      host: config.host,
      port: config.port,
      observe: observeRequest,
      routes: new Map([[LIVE_STREAM_PATH, liveStreamHandler()]]),
      onError: (error, req) => logger().error({ err: error, url: req.url }, "request failed"),
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  await warmUp(
    { port: server.address.port, warmUpSecret: server.warmUpSecret },
    { username: config.simulatorUser, password: config.simulatorPassword },
  );
  setPhase("ready");
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  logger().info(
    { port: server.address.port, host: config.host },
    `Minitwit listening on http://${shownHost}:${server.address.port} (${dev ? "development" : "production"})`,
  );

  let stopping = false;
  /** `reason`: the signal's name, or why the server stops by itself. */
  const shutdown = async (reason: string) => {
    if (stopping) {
      logger().warn({ reason }, "already shutting down");
      return;
    }
    stopping = true;
    logger().info({ reason }, "shutting down: draining");
    setPhase("draining");
    try {
      // Live streams would hold the drain open until the timeout: they are closed now with a retry
      // hint and reconnect (with their cursors) to an instance that is not draining.
      await live.close();
      if (config.shutdownDrainSeconds > 0) {
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainSeconds * 1000));
      }
      const { abandoned } = await server.close(config.shutdownTimeoutSeconds * 1000);
      if (abandoned > 0) logger().warn({ abandoned }, "requests still running at the shutdown timeout");
      await disconnectDb();
      await database.close();
      setPhase("stopped");
      logger().info("stopped");
      logger().flush?.();
      process.exit(0);
    } catch (error) {
      logger().fatal({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  if (config.exitWithParent) watchParent(parent, () => void shutdown("parent exited"));
}

/**
 * Calls `onOrphaned` once `parent`, the process that started this one, has exited (this process is
 * then re-parented, so its parent id changes). Polled: Node.js has no parent-death signal.
 */
function watchParent(parent: number, onOrphaned: () => void, intervalMs = 250): void {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    logger().warn({ parent }, "the parent process exited");
    onOrphaned();
  }, intervalMs);
  timer.unref();
}
