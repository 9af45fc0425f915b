import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { tsEntry } from "../../lib/tools/cli/ts-entry";
import { freePort } from "../../lib/server/free-port";

/** Set in each test server's environment, so what it leaves running can be found (see `processesWithEnv`). */
export const INSTANCE_VARIABLE = "MINITWIT_TEST_INSTANCE";

export type TestServer = {
  url: string;
  port: number;
  /** The server process itself (not a wrapper): a signal sent to it reaches the server. */
  child: ChildProcess;
  /** The value of INSTANCE_VARIABLE in this server's environment. */
  instance: string;
  /** Everything the server printed, for assertions on logs. */
  output(): string;
  /** Sends a signal (if the server still runs) and resolves with the exit code (null: killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts the production server (`npm start`'s entry point, the build must exist) as a child process
 * and waits until /readyz answers 200. Without `databaseUrl` it uses an embedded database in `dataDir`.
 */
export async function startTestServer(options: {
  databaseUrl?: string;
  dataDir?: string;
  env?: Record<string, string>;
  port?: number;
  timeoutMs?: number;
  /** How to start it; default `tsEntry("lib/tools/cli/start.ts")`, the server as the child itself. */
  command?: [command: string, args: string[]];
}): Promise<TestServer> {
  const port = options.port ?? (await freePort());
  const instance = randomUUID();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    // Production requires a session key; a test server gets a throwaway one.
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
    // On a PostgreSQL server a test server is a deployment, which must set these explicitly.
    SIMULATOR_PASSWORD: "super_safe!",
    METRICS_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
    LOG_LEVEL: process.env.TEST_SERVER_LOG_LEVEL ?? "info",
    DATABASE_URL: options.databaseUrl ?? "",
    MINITWIT_DATA_DIR: options.dataDir ?? "",
    MINITWIT_EMBEDDED_DB: "",
    [INSTANCE_VARIABLE]: instance,
    ...options.env,
  };
  const [command, args] = options.command ?? tsEntry("lib/tools/cli/start.ts");
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited with ${child.exitCode ?? child.signalCode} before ready:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`server not ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    child,
    instance,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
